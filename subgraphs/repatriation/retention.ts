/**
 * Retention in the repatriation subgraph (platform/retention.ts): a case ARRIVED or
 * CANCELLED is closed; once its period after that step is over, its personal details go —
 * the journey legs (where the person travelled, when, with whom), the escort needs and the
 * escort flag (derived from a medical need), the receiving organisation's free text. What
 * the journey statistics read stays (statistics-route.ts: the person's id, status,
 * destination country, request date and the transitions' dates), and so does the receiving
 * organisation's hub id (it decides who may see the case).
 *
 * A closed case past its period is also the fact that the whole person is to be erased
 * (issue #20): before erasing anything, the kind hands its people to the victims subgraph
 * (contracts/closed-journeys.ts), which alone decides an erasure and starts the durable one
 * a request starts (tombstone, outbox to every subgraph, audit, scrub) unless a legal hold
 * stands. Only the cases of the people it took are marked done here; the others (held, or
 * victims down) stay due and are handed over again at the next run.
 */
import { CLOSED_JOURNEYS } from "../../contracts/closed-journeys";
import { isUuid } from "../../platform/ids";
import { MAX_IDS_PER_QUESTION } from "../../platform/internal-api";
import type { RetentionKind } from "../../platform/retention";

const UTC_SECONDS = `'YYYY-MM-DD"T"HH24:MI:SS"Z"'`;

export const closedRepatriationRetention: RetentionKind = {
  name: "closed_repatriation",
  description:
    "journey legs, escort needs and the receiving organisation of a case ARRIVED or CANCELLED, counted from that step",
  // 365 days: returnees are followed up for reintegration for about a year after arrival, and
  // complaints about a journey come within that time; the statistics keep what they count.
  defaultDays: 365,
  erases: [
    "RepatriationCase.escortNeeds",
    "RepatriationCase.escortRequired",
    "RepatriationCase.journeyLegs",
    "RepatriationCase.receivingOrganisation",
  ],
  due: (manager, cutoff) =>
    manager.query(
      `SELECT id, "subjectId", to_char(closed_at AT TIME ZONE 'UTC', ${UTC_SECONDS}) AS since
         FROM (SELECT c.id, c.victim_id AS "subjectId",
                      COALESCE((SELECT max(t.at) FROM repatriation_transition t WHERE t.case_id = c.id AND t.to_status = c.status),
                               c.updated_at) AS closed_at
                 FROM repatriation_case c
                WHERE c.status IN ('ARRIVED', 'CANCELLED') AND c.retention_erased_at IS NULL) closed
        WHERE closed_at < $1
        ORDER BY closed_at, id`,
      [cutoff],
    ),
  async erase(manager, ids) {
    await manager.query(`DELETE FROM journey_leg WHERE case_id = ANY($1::uuid[])`, [ids]);
    // The version moves: an editor holding the case's old version gets a conflict, not a silent overwrite.
    await manager.query(
      `UPDATE repatriation_case
          SET escort_needs = NULL, escort_required = NULL, receiving_organisation = NULL,
              retention_erased_at = now(), version = version + 1
        WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  },
  async handOver(records, { kind, days, cutoff, orders }) {
    if (!orders) throw new Error("this run cannot reach the victims subgraph, which decides the erasure");
    const people = [...new Set(records.map((record) => record.subjectId))];
    const taken = new Set<string>();
    for (let start = 0; start < people.length; start += MAX_IDS_PER_QUESTION) {
      const victimIds = people.slice(start, start + MAX_IDS_PER_QUESTION);
      const answer = await orders(CLOSED_JOURNEYS, { kind, days, cutoff: cutoff.toISOString(), victimIds }, "victims");
      if (!Array.isArray(answer?.taken) || !answer.taken.every(isUuid))
        throw new Error("the victims subgraph's answer to the closed journeys is malformed");
      // Only what was asked counts as taken.
      for (const id of answer.taken) if (victimIds.includes(id)) taken.add(id);
    }
    return taken;
  },
};
