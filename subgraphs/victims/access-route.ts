/**
 * `POST /internal/victim-access`: the other subgraphs ask here, with the caller's own
 * token, which of some victim ids that caller may see. The victims subgraph owns that
 * decision (consents, referrals, ownership, nationality live here), so the others never
 * have to trust an access fact from a caller. It answers nothing `victims` would not.
 */
import express, { type Express } from "express";
import type { DataSource } from "typeorm";
import { AuthenticationError, type TokenVerifier } from "../../shared/auth/tokens";
import { ErrorCode } from "../../shared/errors";
import { sendGraphQLError } from "../../shared/http";
import type { Logger } from "../../shared/logger";
import { VICTIM_ACCESS_PATH, type VictimAccessAnswer } from "../../shared/victim-access";
import { Victim } from "./entities/victim";
import { isUuid } from "../../shared/ids";
import { actsAsOwner, whereVisible } from "./record-rules";

const MAX_IDS = 1000;

export function mountVictimAccessRoute(app: Express, deps: { db: DataSource; verifier: TokenVerifier; log: Logger }): void {
  app.post(VICTIM_ACCESS_PATH, express.json({ limit: "256kb" }), async (request, response) => {
    let caller;
    try {
      caller = deps.verifier.verify(request.header("authorization"));
    } catch (error) {
      if (error instanceof AuthenticationError) return sendGraphQLError(response, 401, ErrorCode.UNAUTHENTICATED, error.message);
      throw error;
    }
    const ids: unknown = request.body?.ids;
    if (!Array.isArray(ids) || ids.length > MAX_IDS) {
      return sendGraphQLError(response, 400, ErrorCode.BAD_USER_INPUT, `ids must be an array of at most ${MAX_IDS} ids`);
    }
    const wanted = [...new Set(ids.filter(isUuid))];
    try {
      const rows =
        wanted.length === 0
          ? []
          : await whereVisible(
              deps.db.getRepository(Victim).createQueryBuilder("v").select(["v.id", "v.ownerOrg", "v.nationality"]).where("v.id IN (:...wanted)", { wanted }),
              caller,
            ).getMany();
      const answer: VictimAccessAnswer = {
        visible: rows.map((row) => ({ id: row.id, actsAsOwner: actsAsOwner(caller, row.ownerOrg), nationality: row.nationality })),
      };
      response.json(answer);
    } catch (error) {
      deps.log.error({ err: (error as Error).message }, "victim access check failed");
      sendGraphQLError(response, 503, ErrorCode.SERVICE_UNAVAILABLE, "Access check unavailable");
    }
  });
}
