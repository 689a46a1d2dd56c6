/**
 * Retention in the embassies subgraph (platform/retention.ts): an expired travel document
 * takes no one anywhere, but its number stays a key to the person's identity; it goes once
 * its period after expiry is over. The document stays (country, kind, dates, status): the
 * travel-readiness answer and the audit trail name it, by id.
 */
import { DAY_MS, type RetentionKind } from "../../platform/retention";

/** Where an expired document's period starts: the end of its expiry day (UTC), as `due` below counts it. */
export function expiredTravelDocumentSince(expiresOn: string): Date {
  return new Date(Date.parse(`${expiresOn}T00:00:00Z`) + DAY_MS);
}

export const expiredTravelDocumentRetention: RetentionKind = {
  name: "expired_travel_document",
  description: "the number of an expired travel document, counted from the end of its expiry day (UTC)",
  // 90 days: the issuing embassy reissues and reconciles within weeks (a renewal cites the old
  // number), and a journey under way at expiry is over; the number is among the most dangerous fields.
  defaultDays: 90,
  erases: ["TravelDocument.number"],
  due: (manager, cutoff) =>
    manager.query(
      `SELECT id, victim_id AS "subjectId", expires_on::text AS since
         FROM travel_document
        WHERE retention_erased_at IS NULL AND ((expires_on + 1)::timestamp AT TIME ZONE 'UTC') < $1
        ORDER BY expires_on, id`,
      [cutoff],
    ),
  async erase(manager, ids) {
    await manager.query(
      `UPDATE travel_document SET number = NULL, number_hash = NULL, retention_erased_at = now() WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  },
};
