/**
 * Small-cell suppression for counts of people, so that no published figure — alone,
 * or together with any coarser grouping of the same data — reveals a group of 1 to 4.
 *
 * 1. Primary: every cell counting 1 to 4 people is suppressed.
 * 2. Complementary: take every "line" of the table — the cells that differ in one
 *    dimension only; their sum is a cell of the coarser table without that dimension,
 *    which anyone may ask for. Within a line, the suppressed cells must together hold 0
 *    or at least 5 people (else the coarser figure minus the published cells gives a
 *    small group, or — with one suppressed cell — the cell itself). While a line falls
 *    short, its smallest published non-zero cell is suppressed too. Repeated over all
 *    lines of all dimensions until nothing changes.
 * Zero cells are published as they are (an empty group identifies no one) unless one is
 * hidden as a complement.
 */

export const SMALLEST_PUBLISHED_GROUP = 5;

export interface Cell {
  /** One value per dimension, in the order of the grouping. */
  key: string[];
  count: number;
}

export interface PublishedCell {
  key: string[];
  /** Null when suppressed. */
  count: number | null;
  suppressed: boolean;
}

function isSmall(count: number): boolean {
  return count > 0 && count < SMALLEST_PUBLISHED_GROUP;
}

/**
 * Suppresses the cells of one grouped table. Pass every combination of the values seen,
 * zeros included: a zero may be hidden as a complement (a line whose only other cell is
 * zero could not otherwise keep its small cell hidden), and only non-zero or hidden cells
 * need to be shown — an absent cell is a published zero.
 */
export function suppressSmallCells(cells: Cell[]): PublishedCell[] {
  const suppressed = cells.map((cell) => isSmall(cell.count));
  const dimensions = cells[0]?.key.length ?? 0;
  let changed = true;
  while (changed) {
    changed = false;
    for (let dimension = 0; dimension < dimensions; dimension += 1) {
      // Lines along `dimension`: cells equal in every other dimension.
      const lines = new Map<string, number[]>();
      cells.forEach((cell, index) => {
        const rest = JSON.stringify(cell.key.filter((_, position) => position !== dimension));
        const line = lines.get(rest);
        if (line) line.push(index);
        else lines.set(rest, [index]);
      });
      for (const line of lines.values()) {
        const hiddenCells = () => line.filter((index) => suppressed[index]);
        let hidden = hiddenCells().reduce((sum, index) => sum + cells[index].count, 0);
        if (hidden === 0) continue;
        for (;;) {
          const needsPeople = hidden < SMALLEST_PUBLISHED_GROUP;
          if (!needsPeople && hiddenCells().length > 1) break;
          const open = line.filter((index) => !suppressed[index]);
          // Short of people: the smallest non-zero cell. Only alone: a zero costs least.
          const pick = needsPeople
            ? open.filter((index) => cells[index].count > 0).sort((a, b) => cells[a].count - cells[b].count)[0]
            : (open.find((index) => cells[index].count === 0) ?? open.sort((a, b) => cells[a].count - cells[b].count)[0]);
          if (pick === undefined) break; // The whole line is hidden; its total is itself small and suppressed in the coarser table.
          suppressed[pick] = true;
          hidden += cells[pick].count;
          changed = true;
        }
      }
    }
  }
  return cells.map((cell, index) => ({ key: cell.key, count: suppressed[index] ? null : cell.count, suppressed: suppressed[index] }));
}

/** A single figure about people (e.g. a median over a group): published only for groups of 5 or more. */
export function publishableGroup(size: number): boolean {
  return size === 0 || size >= SMALLEST_PUBLISHED_GROUP;
}
