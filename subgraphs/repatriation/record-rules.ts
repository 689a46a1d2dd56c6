/**
 * Which repatriation cases a caller may see, as SQL (DESIGN.md: the agency, government,
 * the case owner and the embassy of the destination country). The facts it uses —
 * destination, case owner, receiving organisation — are this subgraph's own columns.
 */
import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import type { Caller } from "../../shared/auth/claims";

export const CASE_RECORD_RULES: Record<Caller["role"], string> = {
  government: "every case",
  repatriation: "every case (the agency plans them all)",
  ngo: "cases of victims whose case its organisation owns, and cases it is named to receive",
  embassy: "cases whose destination is its country",
  shelter: "none",
  auditor: "none",
};

export function whereCaseVisible<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, caller: Caller, alias = query.alias): SelectQueryBuilder<T> {
  switch (caller.role) {
    case "government":
    case "repatriation":
      return query;
    case "ngo":
      return query.andWhere(`(${alias}.case_owner_org = :callerOrg OR ${alias}.receiving_org_id = :callerOrg)`, { callerOrg: caller.org });
    case "embassy":
      return query.andWhere(`${alias}.destination_country = :callerCountry`, { callerCountry: caller.country });
    case "shelter":
    case "auditor":
      return query.andWhere("FALSE");
  }
}
