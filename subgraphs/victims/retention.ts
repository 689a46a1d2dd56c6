/**
 * Retention in the victims subgraph (platform/retention.ts): a DECLINED or REVOKED referral
 * grants nothing any more, so the text that described the case to the partner (its
 * purpose) goes once its period after the decision is over. The referral itself stays (who
 * referred whom to which organisation, when, what became of it): the audit trail and the
 * case's history name it, and none of that is about the person beyond their id.
 */
import type { RetentionKind } from "../../platform/retention";

const UTC_SECONDS = `'YYYY-MM-DD"T"HH24:MI:SS"Z"'`;

export const closedReferralRetention: RetentionKind = {
  name: "closed_referral",
  description: "the purpose of a DECLINED or REVOKED referral, counted from its decision",
  // 90 days: long enough for the case owner or oversight to review a refusal or a revocation
  // (and refer again, citing it); after that the purpose serves no purpose of the referral.
  defaultDays: 90,
  erases: ["Referral.purpose"],
  due: (manager, cutoff) =>
    manager.query(
      `SELECT r.id, r.victim_id AS "subjectId", v.case_number AS "caseNumber",
              to_char(r.decided_at AT TIME ZONE 'UTC', ${UTC_SECONDS}) AS since
         FROM referral r JOIN victim v ON v.id = r.victim_id
        WHERE r.status IN ('DECLINED', 'REVOKED') AND r.retention_erased_at IS NULL AND r.decided_at < $1
        ORDER BY r.decided_at, r.id`,
      [cutoff],
    ),
  async erase(manager, ids) {
    await manager.query(`UPDATE referral SET purpose = NULL, retention_erased_at = now() WHERE id = ANY($1::uuid[])`, [
      ids,
    ]);
  },
};
