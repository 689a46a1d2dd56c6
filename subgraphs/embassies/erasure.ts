/**
 * What the embassies subgraph erases about a person (platform/erasure.ts): a verification's
 * reason (free text about the person) and every travel document's number. Kept: which
 * country verified, the decision and its dates, a document's kind, status and dates — what
 * consular statistics and the repatriation's readiness read, none of it naming the person.
 */
import type { SubgraphErasure } from "../../platform/erasure";

export const embassiesErasure: SubgraphErasure = {
  tables: ["nationality_verification", "travel_document"],
  async erase(manager, victimId) {
    await manager.query(`UPDATE nationality_verification SET reason = NULL WHERE victim_id = $1`, [victimId]);
    await manager.query(`UPDATE travel_document SET number = NULL, number_hash = NULL WHERE victim_id = $1`, [
      victimId,
    ]);
    return ["NationalityVerification.reason", "TravelDocument.number"];
  },
};
