/**
 * Retention in the shelters subgraph (platform/retention.ts): once a stay has ended and its
 * period is over, the link to the person goes — who slept where is the personal fact. What
 * stay statistics need stays: the shelter, when the stay began and ended, and why it ended.
 * Open stays are never touched (a check keeps their person), so beds and occupancy are unchanged.
 */
import type { RetentionKind } from "../../platform/retention";

const UTC_SECONDS = `'YYYY-MM-DD"T"HH24:MI:SS"Z"'`;

export const endedPlacementRetention: RetentionKind = {
  name: "ended_placement",
  description: "the person of an ended shelter stay, counted from its end",
  // 180 days: people often come back into care within months (a shelter then knows their
  // history), and shelter reports to funders are half-yearly; later the stay counts without a name.
  defaultDays: 180,
  erases: ["Placement.victim"],
  due: (manager, cutoff) =>
    manager.query(
      `SELECT id, victim_id AS "subjectId", to_char(ended_at AT TIME ZONE 'UTC', ${UTC_SECONDS}) AS since
         FROM placement
        WHERE ended_at IS NOT NULL AND retention_erased_at IS NULL AND ended_at < $1
        ORDER BY ended_at, id`,
      [cutoff],
    ),
  async erase(manager, ids) {
    await manager.query(
      `UPDATE placement SET victim_id = NULL, retention_erased_at = now() WHERE id = ANY($1::uuid[]) AND ended_at IS NOT NULL`,
      [ids],
    );
  },
};
