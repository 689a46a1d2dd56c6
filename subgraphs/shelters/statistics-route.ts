/** `POST /internal/statistics/stays`: open placements, for the victims subgraph's statistics (hub subgraphs only). */
import type { Express } from "express";
import { mountInternalRoute, type InternalRouteDeps } from "../../platform/internal-api";
import { STAYS_PATH, type StayFact } from "../../platform/statistics/facts";

export function mountStatisticsRoute(app: Express, deps: InternalRouteDeps): void {
  mountInternalRoute(
    app,
    deps,
    { path: STAYS_PATH, askers: ["victims"] },
    () => null,
    async (caller, _question, db) => {
      // Shelter staff know who sleeps in their own shelter, whether or not the case is referred to them.
      const ownShelter = caller.role === "shelter" ? (caller.shelter ?? null) : null;
      const stays: StayFact[] = await db.query(
        `SELECT victim_id AS "victimId", shelter_id AS "shelterId", (shelter_id = $1) IS TRUE AS "knownToCaller" FROM placement WHERE ended_at IS NULL`,
        [ownShelter],
      );
      return { stays };
    },
  );
}
