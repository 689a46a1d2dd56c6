/**
 * What the shelters subgraph erases about a person (platform/erasure.ts): its placements
 * keep the shelter, the end reason and the organisations (bed counts and stay statistics:
 * who stays where now, lengths of stay), with their times coarsened to the day, so a stay
 * can no longer be matched to an hour in another record. A placement holds nothing else
 * about the person; the person's id stays, as it does in the victims subgraph's tombstone.
 */
import type { SubgraphErasure } from "../../platform/erasure";

export const sheltersErasure: SubgraphErasure = {
  tables: ["placement"],
  async erase(manager, victimId) {
    await manager.query(
      `UPDATE placement SET placed_at = date_trunc('day', placed_at), ended_at = date_trunc('day', ended_at)
        WHERE victim_id = $1 AND ended_at IS NOT NULL`,
      [victimId],
    );
    return ["Placement.placedAt", "Placement.endedAt"];
  },
};
