/**
 * What the repatriation subgraph erases about a person (platform/erasure.ts): a case's
 * escort needs (may hold medical detail) and escort flag (derived from a medical need),
 * who receives the person, and every journey leg (places, carriers, times: where the person
 * went). Kept: status, destination country, the receiving organisation's hub id (an access
 * fact, an organisation), the request date and the recorded steps with their dates — what
 * the journey statistics (latest status, days from identification to departure) read.
 */
import type { SubgraphErasure } from "../../platform/erasure";

export const repatriationErasure: SubgraphErasure = {
  tables: ["repatriation_case", "journey_leg"],
  async erase(manager, victimId) {
    await manager.query(
      `UPDATE repatriation_case SET escort_needs = NULL, escort_required = false, receiving_organisation = NULL WHERE victim_id = $1`,
      [victimId],
    );
    await manager.query(
      `DELETE FROM journey_leg WHERE case_id IN (SELECT id FROM repatriation_case WHERE victim_id = $1)`,
      [victimId],
    );
    return [
      "RepatriationCase.escortNeeds",
      "RepatriationCase.escortRequired",
      "RepatriationCase.receivingOrganisation",
      "RepatriationCase.journeyLegs",
    ];
  },
};
