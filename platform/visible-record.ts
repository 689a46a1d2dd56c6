/**
 * The one way a resolver finds the record an id argument names (DESIGN.md: "a record the
 * caller may not see behaves exactly like one that does not exist — same response, same
 * error, same timing class"). A record is loaded *with* its visibility and refused with
 * one `notFound(<Type>)` whether it is missing, hidden by this subgraph's own rule
 * (another country's, addressed to another organisation) or hidden because the caller
 * may not see the person it belongs to — and all three cost the same, so neither the
 * answer nor the development counters (x-sql-statements, x-peer-questions) nor the time
 * tell them apart. `findVisible` here is for a record whose whole rule is SQL in its own
 * subgraph; a record that belongs to a person another subgraph owns is found with
 * `findVisibleOfVictim` (contracts/victim-access/asking.ts), which asks that owner even
 * when there is no record (about the id itself, which names nobody).
 *
 * Checks that may say more than NOT_FOUND (FORBIDDEN, CONSENT_REQUIRED, CONFLICT, a state)
 * come after this, about a record the caller may see.
 */
import { notFound } from "./errors";
import { isUuid } from "./ids";

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
