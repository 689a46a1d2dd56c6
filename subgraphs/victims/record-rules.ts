/**
 * Which victims a caller may see, as SQL conditions (layer 2 of the access policy).
 * Every query that reads victims — lists, single reads, `_entities`, the access
 * endpoint other subgraphs ask — goes through `whereVisible`, so pagination and counts
 * stay right and no row the caller may not see ever leaves the database.
 */
import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import type { Caller } from "../../platform/auth/claims";
import { ErrorCode, hubError, notFound } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { addresseeOrg } from "./conditions";
import { ConsentKind, ReferralStatus } from "./entities/enums";
import { Victim } from "./entities/victim";

// A referral opens the case to the named organisation acting in the named role only.
const ACTIVE_REFERRAL = `EXISTS (SELECT 1 FROM referral r WHERE r.victim_id = {v}.id AND r.to_org = :callerOrg AND r.to_role = :callerRole AND r.status IN ('${ReferralStatus.PENDING}', '${ReferralStatus.ACCEPTED}'))`;
const consentGiven = (kind: ConsentKind) =>
  `EXISTS (SELECT 1 FROM consent c WHERE c.victim_id = {v}.id AND c.kind = '${kind}' AND c.granted)`;
/** Consular contact is consent to the embassy of one country: it counts only while that is the person's nationality. */
export const CONSULAR_CONSENT_STANDS = `EXISTS (SELECT 1 FROM consent c WHERE c.victim_id = {v}.id AND c.kind = '${ConsentKind.CONSULAR_CONTACT}' AND c.granted AND c.country = {v}.nationality)`;

/** The record rule in words, for the policy document and `me`. */
export const VICTIM_RECORD_RULES: Record<Caller["role"], string> = {
  government: "every case",
  ngo: "cases its organisation owns, and cases referred to it (referral pending or accepted)",
  shelter:
    "cases referred to its shelter (referral pending or accepted) while the person consents to sharing with a shelter",
  embassy: "victims of its country's nationality who consented to consular contact",
  repatriation: "cases referred to it, and victims who consented to repatriation",
  auditor: "none",
};

export { actsAsOwner, addresseeOrg } from "./conditions";

/** SQL condition (with named parameters) selecting the victims `caller` may see. */
export function visibilityCondition(caller: Caller, alias: string): { sql: string; params: Record<string, unknown> } {
  const fill = (sql: string) => sql.replaceAll("{v}", alias);
  const params = { callerOrg: addresseeOrg(caller), callerRole: caller.role, callerCountry: caller.country ?? null };
  switch (caller.role) {
    case "government":
      return { sql: "TRUE", params };
    case "ngo":
      return { sql: fill(`({v}.owner_org = :callerOrg OR ${ACTIVE_REFERRAL})`), params };
    case "shelter":
      return { sql: fill(`(${ACTIVE_REFERRAL} AND ${consentGiven(ConsentKind.SHELTER_SHARING)})`), params };
    case "embassy":
      return { sql: fill(`({v}.nationality = :callerCountry AND ${CONSULAR_CONSENT_STANDS})`), params };
    case "repatriation":
      return { sql: fill(`(${ACTIVE_REFERRAL} OR ${consentGiven(ConsentKind.REPATRIATION)})`), params };
    case "auditor":
      return { sql: "FALSE", params };
  }
}

export function whereVisible<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  caller: Caller,
  alias = query.alias,
): SelectQueryBuilder<T> {
  const { sql, params } = visibilityCondition(caller, alias);
  return query.andWhere(sql, params);
}

/**
 * A case as the caller may act on it, under the same record rule as every read: a case
 * the caller may not see is NOT_FOUND (no existence oracle). Whether the caller may do
 * what it asks with a case it sees is the operation's condition: its resolver calls
 * `enforce` with the case this returns.
 */
export async function caseFor(manager: EntityManager, caller: Caller, id: string, lock: boolean): Promise<Victim> {
  const query = whereVisible(manager.getRepository(Victim).createQueryBuilder("v").where("v.id = :id", { id }), caller);
  if (lock) query.setLock("pessimistic_write");
  const victim = isUuid(id) ? await query.getOne() : null;
  if (!victim) throw notFound("Victim");
  return victim;
}

/**
 * `caseFor` with the row locked for a write in the caller's transaction: concurrent writes queue.
 * An erased case takes no write (CONFLICT) unless the write is one of erasure's own
 * (`erased: "allow"`: the idempotent request, the holds): a request is answered once and erases
 * nothing twice, so a value written into a tombstone could never be erased, and a consent or a
 * referral granted again would share the tombstone anew. Only who may see the tombstone reaches
 * this refusal (government and the owner: erasure ends every consent and referral), after the
 * record rule, so it is no oracle.
 */
export async function lockCaseForWrite(
  manager: EntityManager,
  caller: Caller,
  id: string,
  options: { erased: "refuse" | "allow" } = { erased: "refuse" },
): Promise<Victim> {
  const victim = await caseFor(manager, caller, id, true);
  if (victim.erasedAt && options.erased === "refuse")
    throw hubError(ErrorCode.CONFLICT, "The case was erased: it takes no new data");
  return victim;
}
