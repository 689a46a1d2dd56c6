/** `POST /internal/statistics/journeys`: each person's latest journey, for the victims subgraph's statistics (hub subgraphs only). */
import type { Express } from "express";
import { mountInternalRoute, type InternalRouteDeps } from "../../shared/internal-api";
import { JOURNEYS_PATH, type JourneyFact } from "../../shared/statistics/facts";

export function mountStatisticsRoute(app: Express, deps: InternalRouteDeps): void {
  mountInternalRoute(app, deps, { path: JOURNEYS_PATH, askers: ["victims"] }, () => null, async (_caller, _question, db) => {
    const journeys: JourneyFact[] = await db.query(`
      SELECT DISTINCT ON (c.victim_id) c.victim_id AS "victimId", c.status, c.destination_country AS "destinationCountry",
             (SELECT max(t.at) FROM repatriation_transition t WHERE t.case_id = c.id AND t.to_status = 'DEPARTED') AS "departedAt"
        FROM repatriation_case c
       ORDER BY c.victim_id, c.requested_at DESC`);
    return { journeys };
  });
}
