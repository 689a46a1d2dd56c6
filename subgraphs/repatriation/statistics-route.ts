/** Answers `/internal/statistics/journeys` (contracts/statistics-journeys.ts): each person's latest journey, for the victims subgraph's statistics. */
import { STATISTICS_JOURNEYS, type JourneyFact } from "../../contracts/statistics-journeys";
import { answerRoute } from "../../platform/internal-api";
import { RepatriationCase } from "./entities/repatriation-case";
import { whereCaseVisible } from "./record-rules";

export const journeysRoute = answerRoute(STATISTICS_JOURNEYS, async ({ caller, db }) => {
  const [journeys, known]: [Array<Omit<JourneyFact, "knownToCaller"> & { caseId: string }>, Array<{ id: string }>] =
    await Promise.all([
      db.query(`
        SELECT DISTINCT ON (c.victim_id) c.id AS "caseId", c.victim_id AS "victimId", c.status, c.destination_country AS "destinationCountry",
               (SELECT max(t.at) FROM repatriation_transition t WHERE t.case_id = c.id AND t.to_status = 'DEPARTED') AS "departedAt"
          FROM repatriation_case c
         ORDER BY c.victim_id, c.requested_at DESC`),
      // The caller's own record rule decides which cases it holds (the same rule as every read of a case).
      whereCaseVisible(
        db.getRepository(RepatriationCase).createQueryBuilder("c").select("c.id", "id"),
        caller,
      ).getRawMany<{ id: string }>(),
    ]);
  const knownCases = new Set(known.map((row) => row.id));
  return {
    journeys: journeys.map(({ caseId, ...journey }) => ({ ...journey, knownToCaller: knownCases.has(caseId) })),
    completeForCaller: caller.role === "government" || caller.role === "repatriation",
  };
});
