/**
 * Small-cell suppression for counts of people, relative to the caller: a published
 * figure — alone, or together with any coarser grouping of the same data and what the
 * caller already knows — never reveals a group of 1 to 4 people the caller may not see.
 * (docs/security-statistics.md has the threat model.)
 *
 * Each cell carries, besides its count, how many of its people the caller does NOT know:
 * - `unseenAtMost`: people the caller cannot surely place in this cell (it may not read
 *   the record, or one of the grouped fields of it);
 * - `unseenAtLeast`: people the caller cannot possibly know (it does not even see the
 *   record). The records in between (seen, but a grouped field unreadable) may or may not
 *   be known to it: it may have inserted them, or learnt the value elsewhere.
 * Every check must hold in both worlds (the caller knows the least, or the most).
 *
 * 1. Primary: a cell is published only when its unknown part is 0 (at most) or at least
 *    5 (at least). So a caller's own records never unlock a cell: five fictitious people
 *    added to a cell of 2 leave it suppressed.
 * 2. Complementary: every "line" of the table — the cells that differ in one dimension
 *    only — sums to a cell of the coarser table without that dimension, which the caller
 *    may ask for. Within a line, in both worlds, the suppressed cells must together hold
 *    0 or at least 5 unknown people and never be alone (else the coarser figure minus the
 *    published cells and what the caller knows gives a small group, or the cell itself).
 *    While a line falls short, its cheapest published cell with unknown people in it is
 *    suppressed too. Repeated over all lines of all dimensions until nothing changes.
 * Zero cells are published as they are (an empty group identifies no one) unless one is
 * hidden as a complement.
 */

export const SMALLEST_PUBLISHED_GROUP = 5;

export interface Cell {
  /** One value per dimension, in the order of the grouping. */
  key: string[];
  count: number;
  /** People in the cell the caller may know nothing of (default: all of them). */
  unseenAtLeast?: number;
  /** People in the cell the caller cannot surely place in it (default: all of them). */
  unseenAtMost?: number;
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

/** A group the caller knows all of (0 unknown), or one with at least 5 it cannot know. */
export function publishable(unseenAtLeast: number, unseenAtMost: number): boolean {
  return unseenAtMost === 0 || unseenAtLeast >= SMALLEST_PUBLISHED_GROUP;
}

/** The lines of a table: for each dimension, the cells equal in every other dimension. */
function linesOf(cells: Cell[]): number[][] {
  const dimensions = cells[0]?.key.length ?? 0;
  const lines: number[][] = [];
  for (let dimension = 0; dimension < dimensions; dimension += 1) {
    const byRest = new Map<string, number[]>();
    cells.forEach((cell, index) => {
      const rest = JSON.stringify(cell.key.filter((_, position) => position !== dimension));
      const line = byRest.get(rest);
      if (line) line.push(index);
      else byRest.set(rest, [index]);
    });
    lines.push(...byRest.values());
  }
  return lines;
}

/**
 * Suppresses the cells of one grouped table. Pass every combination of the values seen,
 * zeros included: a zero may be hidden as a complement (a line whose only other cell is
 * zero could not otherwise keep its small cell hidden), and only non-zero or hidden cells
 * need to be shown — an absent cell is a published zero.
 */
export function suppressSmallCells(cells: Cell[]): PublishedCell[] {
  const atLeast = cells.map((cell) => Math.min(cell.count, cell.unseenAtLeast ?? cell.count));
  const atMost = cells.map((cell, index) =>
    Math.max(atLeast[index], Math.min(cell.count, cell.unseenAtMost ?? cell.count)),
  );
  const worlds = [atLeast, atMost];
  const suppressed = cells.map((_, index) => !publishable(atLeast[index], atMost[index]));
  const lines = linesOf(cells);
  // The cheapest complement among `candidates`: one that adds unknown people in both worlds, then the fewest people.
  const cheapest = (candidates: number[]): number | undefined => {
    let best: number | undefined;
    const rank = (index: number) => [atLeast[index] > 0 ? 0 : 1, atMost[index] > 0 ? 0 : 1, cells[index].count];
    for (const index of candidates) {
      if (suppressed[index]) continue;
      if (best === undefined) best = index;
      else {
        const [a, b] = [rank(index), rank(best)];
        if (a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])))) best = index;
      }
    }
    return best;
  };
  // Line by line, until nothing changes: in each world, the hidden cells of a line hold 0 or at least 5 unknown
  // people, and a line with a hidden cell that holds anyone unknown has a second one.
  let changed = true;
  while (changed) {
    changed = false;
    for (const line of lines) {
      for (;;) {
        const hidden = line.filter((index) => suppressed[index]);
        const sums = worlds.map((unknown) => hidden.reduce((sum, index) => sum + unknown[index], 0));
        if (sums.every((sum) => sum === 0)) break;
        const shortIn = worlds.filter((_, world) => isSmall(sums[world]));
        if (shortIn.length === 0 && hidden.length > 1) break;
        // Short of people: the cheapest cell with people unknown in that world. Only alone: a zero costs least.
        const pick =
          shortIn.length > 0
            ? cheapest(line.filter((index) => shortIn.some((unknown) => unknown[index] > 0)))
            : (line.find((index) => !suppressed[index] && cells[index].count === 0) ?? cheapest(line));
        if (pick === undefined) break; // The whole line is hidden; its total is the coarser table's cell, itself suppressed.
        suppressed[pick] = true;
        changed = true;
      }
    }
  }
  return cells.map((cell, index) => ({
    key: cell.key,
    count: suppressed[index] ? null : cell.count,
    suppressed: suppressed[index],
  }));
}

/** A single figure about people (e.g. a median over a group): published only for groups of 5 or more. */
export function publishableGroup(size: number): boolean {
  return size === 0 || size >= SMALLEST_PUBLISHED_GROUP;
}
