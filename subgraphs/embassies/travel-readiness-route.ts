/**
 * `POST /internal/travel-readiness`: the repatriation subgraph asks which valid,
 * unexpired travel documents some victims hold, before a journey may become READY.
 * Hub subgraphs only (service credential); the asker has already applied the victims
 * subgraph's record rules, and the answer carries no document number.
 */
import type { Express } from "express";
import { mountInternalRoute, victimIdsQuestion, type InternalRouteDeps } from "../../platform/internal-api";
import { TRAVEL_READINESS_PATH, type TravelReadinessAnswer } from "../../platform/travel-readiness";
import { TravelDocumentStatus } from "./entities/enums";
import { TravelDocument } from "./entities/travel-document";

export function mountTravelReadinessRoute(app: Express, deps: InternalRouteDeps): void {
  mountInternalRoute(
    app,
    deps,
    { path: TRAVEL_READINESS_PATH, askers: ["repatriation"] },
    victimIdsQuestion,
    async (_caller, ids, db): Promise<TravelReadinessAnswer> => {
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
    },
  );
}
