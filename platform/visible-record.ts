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
 * A record that belongs to a victim of another subgraph is found the same way, with the
 * person's visibility asked of its owner: `findVisibleOfVictim` (contracts/victim-access/asking.ts).
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
