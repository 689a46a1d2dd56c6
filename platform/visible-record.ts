/**
 * The one way a resolver finds the record an id argument names (DESIGN.md: "a record the
 * caller may not see behaves exactly like one that does not exist — same response, same
 * error, same timing class"). A record is loaded *with* its visibility and refused with
 * one `notFound(<Type>)` whether it is missing, hidden by this subgraph's own rule
 * (another country's, addressed to another organisation) or hidden because the caller
 * may not see the person it belongs to — and all three cost the same: one statement
 * here, and one question to the victims subgraph even when there is no record (it is
 * asked about the id itself, which names nobody), so neither the answer nor the
 * development counters (x-sql-statements, x-peer-questions) nor the time tell them apart.
 *
 * Checks that may say more than NOT_FOUND (FORBIDDEN, CONSENT_REQUIRED, CONFLICT, a state)
 * come after this, about a record the caller may see.
 */
import type { SubgraphContext } from "./context";
import { notFound } from "./errors";
import { isUuid } from "./ids";
import { victimAccessLoader, type VictimAccess } from "./victim-access";

export interface VisibleRecord<T> {
  record: T;
  /** What the caller may know of the person the record belongs to; null when the person is hidden but the record's own rule shows it. */
  access: VictimAccess | null;
}

/** The usual rule: a record is visible only with its person. */
export const withItsPerson = (_record: unknown, access: VictimAccess | null): boolean => access !== null;

/**
 * A record of this subgraph that belongs to a victim. `load` reads it in one statement
 * with this subgraph's own record rule applied (null when missing or hidden); `visible`
 * adds the rules that need the person's facts (by default: the caller may see the person). Missing, hidden and not-a-UUID: one
 * statement, one question, NOT_FOUND.
 */
export async function findVisibleOfVictim<T extends { victimId: string }>(
  context: SubgraphContext,
  typeName: string,
  id: string,
  load: (id: string) => Promise<T | null>,
  visible: (record: T, access: VictimAccess | null) => boolean = withItsPerson,
): Promise<VisibleRecord<T>> {
  const record = isUuid(id) ? await load(id) : null;
  // Asked even when there is no record, about an id that names no person: the same question either way.
  const access = await victimAccessLoader(context).load(
    record?.victimId ?? (isUuid(id) ? id : "00000000-0000-0000-0000-000000000000"),
  );
  if (!record || !visible(record, access)) throw notFound(typeName);
  return { record, access };
}

/**
 * A record whose whole record rule is SQL in this subgraph (`load` applies it in the
 * statement that reads the record): missing and hidden are the same null.
 */
export async function findVisible<T>(
  typeName: string,
  id: string,
  load: (id: string) => Promise<T | null>,
): Promise<T> {
  const record = isUuid(id) ? await load(id) : null;
  if (!record) throw notFound(typeName);
  return record;
}
