/** `POST /internal/statistics/stays`: open placements, for the victims subgraph's statistics (hub subgraphs only). */
import type { Express } from "express";
import { mountInternalRoute, type InternalRouteDeps } from "../../shared/internal-api";
import { STAYS_PATH, type StayFact } from "../../shared/statistics/facts";

export function mountStatisticsRoute(app: Express, deps: InternalRouteDeps): void {
  mountInternalRoute(app, deps, { path: STAYS_PATH, askers: ["victims"] }, () => null, async (_caller, _question, db) => {
    const stays: StayFact[] = await db.query(`SELECT victim_id AS "victimId", shelter_id AS "shelterId" FROM placement WHERE ended_at IS NULL`);
    return { stays };
  });
}
