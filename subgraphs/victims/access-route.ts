/**
 * `POST /internal/victim-access`: the other subgraphs ask here, with the caller's own
 * token and their service credential, which of some victim ids that caller may see,
 * and the facts their rules need about those. The victims subgraph owns that decision
 * (consents, referrals, ownership, nationality live here), so the others never trust
 * an access fact a client could supply.
 */
import type { Express } from "express";
import { mountInternalRoute, victimIdsQuestion, type InternalRouteDeps } from "../../shared/internal-api";
import { VICTIM_ACCESS_PATH, type ConsentName, type VictimAccessAnswer } from "../../shared/victim-access";
import { Victim } from "./entities/victim";
import { actsAsOwner, whereVisible } from "./record-rules";

interface FactsRow {
  id: string;
  owner_org: string;
  nationality: string;
  requires_medical_escort: boolean;
  nrm_status: string;
  consents: ConsentName[];
}

export function mountVictimAccessRoute(app: Express, deps: InternalRouteDeps): void {
  mountInternalRoute(app, deps, VICTIM_ACCESS_PATH, victimIdsQuestion, async (caller, ids, db): Promise<VictimAccessAnswer> => {
    if (ids.length === 0) return { visible: [] };
    const rows = await whereVisible(
      db
        .getRepository(Victim)
        .createQueryBuilder("v")
        .select(["v.id AS id", "v.owner_org AS owner_org", "v.nationality AS nationality", "v.requires_medical_escort AS requires_medical_escort", "v.nrm_status AS nrm_status"])
        .addSelect("ARRAY(SELECT c.kind FROM consent c WHERE c.victim_id = v.id AND c.granted ORDER BY c.kind)", "consents")
        .where("v.id IN (:...ids)", { ids }),
      caller,
    ).getRawMany<FactsRow>();
    return {
      visible: rows.map((row) => ({
        id: row.id,
        actsAsOwner: actsAsOwner(caller, row.owner_org),
        ownerOrg: row.owner_org,
        nationality: row.nationality,
        consents: row.consents,
        requiresMedicalEscort: row.requires_medical_escort,
        nrmStatus: row.nrm_status,
      })),
    };
  });
}
