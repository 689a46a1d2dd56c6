/** Answers `/internal/statistics/stays` (contracts/statistics-stays.ts): open placements, for the victims subgraph's statistics. */
import { STATISTICS_STAYS, type StayFact } from "../../contracts/statistics-stays";
import { answerRoute } from "../../platform/internal-api";

export const staysRoute = answerRoute(STATISTICS_STAYS, async ({ caller, db }) => {
  // Shelter staff know who sleeps in their own shelter, whether or not the case is referred to them.
  const ownShelter = caller.role === "shelter" ? (caller.shelter ?? null) : null;
  const stays: StayFact[] = await db.query(
    `SELECT victim_id AS "victimId", shelter_id AS "shelterId", (shelter_id = $1) IS TRUE AS "knownToCaller" FROM placement WHERE ended_at IS NULL`,
    [ownShelter],
  );
  return { stays };
});
