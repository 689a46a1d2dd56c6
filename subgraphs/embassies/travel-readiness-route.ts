/**
 * Answers `/internal/travel-readiness` (contracts/travel-readiness.ts): which valid,
 * unexpired travel documents some victims hold, without their numbers.
 */
import { TRAVEL_READINESS } from "../../contracts/travel-readiness";
import { answerRoute } from "../../platform/internal-api";
import { TravelDocumentStatus } from "./entities/enums";
import { TravelDocument } from "./entities/travel-document";

export const travelReadinessRoute = answerRoute(TRAVEL_READINESS, async ({ request: { ids }, db }) => {
  if (ids.length === 0) return { valid: [] };
  const rows = await db
    .getRepository(TravelDocument)
    .createQueryBuilder("d")
    .where("d.victim_id IN (:...ids) AND d.status = :valid AND d.expires_on >= CURRENT_DATE", {
      ids,
      valid: TravelDocumentStatus.VALID,
    })
    .orderBy("d.expires_on", "DESC")
    .getMany();
  return {
    valid: rows.map((row) => ({
      victimId: row.victimId,
      issuingCountry: row.issuingCountry,
      kind: row.kind,
      expiresOn: row.expiresOn,
    })),
  };
});
