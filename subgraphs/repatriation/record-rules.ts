/**
 * Which repatriation cases a caller may see, as SQL (DESIGN.md: the agency, government,
 * the case owner and the embassy of the destination country — the embassy only while it
 * may see the person). The facts it uses — destination, case owner, receiving
 * organisation — are this subgraph's own columns; whether the embassy may still see the
 * person is asked of the victims subgraph (`personRuleHolds`, `whereEmbassySeesThePerson`).
 */
import { type VictimAccessAskingContext, victimAccessLoader } from "../../contracts/victim-access/asking";
import type { VictimAccess } from "../../contracts/victim-access/route";
import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import type { Caller } from "../../platform/auth/claims";

export const CASE_RECORD_RULES: Record<Caller["role"], string> = {
  government: "every case",
  repatriation: "every case (the agency plans them all)",
  ngo: "cases of victims whose case its organisation owns, and cases it is named to receive",
  embassy: "cases whose destination is its country, while it may see the person (consular-contact consent stands)",
  shelter: "none",
  auditor: "none",
};

export function whereCaseVisible<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  caller: Caller,
  alias = query.alias,
): SelectQueryBuilder<T> {
  switch (caller.role) {
    case "government":
    case "repatriation":
      return query;
    case "ngo":
      return query.andWhere(`(${alias}.case_owner_org = :callerOrg OR ${alias}.receiving_org_id = :callerOrg)`, {
        callerOrg: caller.org,
      });
    case "embassy":
      return query.andWhere(`${alias}.destination_country = :callerCountry`, { callerCountry: caller.country });
    case "shelter":
    case "auditor":
      return query.andWhere("FALSE");
  }
}

/** The part of the rule that needs the victims subgraph: an embassy sees a case only with its person. */
export function personRuleHolds(caller: Caller, access: VictimAccess | null): boolean {
  return caller.role !== "embassy" || access !== null;
}

/**
 * For an embassy, narrows a list query (already under `whereCaseVisible`) to cases of people
 * it may see, in SQL, so pages and counts stay right: one statement for the candidates'
 * victim ids, and one batched question (per 1,000 people, the loader's batch size) to the victims subgraph.
 */
export async function whereEmbassySeesThePerson<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  context: VictimAccessAskingContext,
  alias = query.alias,
): Promise<SelectQueryBuilder<T>> {
  if (context.caller.role !== "embassy") return query;
  const rows: Array<{ victim_id: string }> = await query
    .clone()
    .select(`DISTINCT ${alias}.victim_id`, "victim_id")
    .orderBy()
    .getRawMany();
  const victimIds = rows.map((row) => row.victim_id);
  // The loader asks in batches of at most MAX_IDS_PER_QUESTION.
  const access = await victimAccessLoader(context).loadMany(victimIds);
  const failed = access.find((entry) => entry instanceof Error);
  if (failed) throw failed;
  const visible = victimIds.filter((_, index) => access[index] !== null);
  return visible.length > 0
    ? query.andWhere(`${alias}.victim_id IN (:...seenVictimIds)`, { seenVictimIds: visible })
    : query.andWhere("FALSE");
}
