/**
 * Running a policy condition (types.ts, `Condition`) where the record it reads is at hand,
 * and the one way a condition refuses. Object fields are checked by the policy middleware
 * (middleware.ts); a root field (a mutation, a query that names a record) loads its record
 * first under the record rule — a record the caller may not see is NOT_FOUND before any
 * condition runs — then calls the subgraph's `enforce`, so no resolver writes the check or
 * its message by hand.
 */
import type { Caller } from "../auth/claims";
import type { SubgraphContext } from "../context";
import { ErrorCode, hubError } from "../errors";
import type { AnyCondition, SubgraphPolicy } from "./types";

/** The refusal of an operation whose condition does not hold: FORBIDDEN, in the condition's words. */
export function conditionRefusal(coordinate: string, role: Caller["role"], failed: AnyCondition) {
  return hubError(ErrorCode.FORBIDDEN, `${coordinate} is open to ${role} on condition: ${failed.words}`, {
    condition: failed.name,
  });
}

/** The caller's condition on `Type.field`, if its rule sets one; an unknown coordinate is a programming error. */
export function conditionFor(policy: SubgraphPolicy, coordinate: string, caller: Caller): AnyCondition | undefined {
  const [typeName, fieldName] = coordinate.split(".");
  const rule = policy[typeName]?.fields[fieldName];
  if (!rule) throw new Error(`no policy rule for ${coordinate}`);
  return rule.conditions?.[caller.role];
}

/** Whether the caller's condition on `coordinate` (if it reads records of `recordType`) holds on `record`. */
export function conditionHolds(
  policy: SubgraphPolicy,
  coordinate: string,
  caller: Caller,
  recordType: string,
  record: unknown,
): boolean {
  const condition = conditionFor(policy, coordinate, caller);
  return !condition || condition.looksAt !== recordType || condition.check(caller, record);
}

export interface Enforcer {
  /**
   * Throws the condition's refusal unless the caller's condition on `coordinate` holds on
   * `record` (of type `recordType`). A condition that reads another type of record is not
   * this call's: an operation whose roles' conditions read different records (one role's the
   * person, another's the place) calls once per record it loads.
   */
  (context: Pick<SubgraphContext, "caller">, coordinate: string, recordType: string, record: unknown): void;
  /** The same test without throwing: to narrow a list to the records the condition lets through. */
  holds(context: Pick<SubgraphContext, "caller">, coordinate: string, recordType: string, record: unknown): boolean;
}

/** The `enforce` of one subgraph, bound to its policy. */
export function enforcerFor(policy: SubgraphPolicy): Enforcer {
  const holds: Enforcer["holds"] = ({ caller }, coordinate, recordType, record) =>
    conditionHolds(policy, coordinate, caller, recordType, record);
  const enforce = (({ caller }, coordinate, recordType, record) => {
    if (conditionHolds(policy, coordinate, caller, recordType, record)) return;
    throw conditionRefusal(coordinate, caller.role, conditionFor(policy, coordinate, caller)!);
  }) as Enforcer;
  enforce.holds = holds;
  return enforce;
}
