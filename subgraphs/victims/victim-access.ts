/**
 * How the victims subgraph tells the others who may see whom. It owns that decision
 * (consents, referrals, ownership, nationality live here), so the others never trust an
 * access fact a client could supply. Two ways, one answer (`victimAccessFor`):
 * - asked: `POST /internal/victim-access` (contracts/victim-access/route.ts), with the
 *   caller's own token and a service credential, which of some victim ids that caller may
 *   see and the facts their rules need;
 * - given ahead: when the gateway asks for it (a plan that continues in other subgraphs),
 *   a signed grant with the same answer for the people this response names, which the
 *   gateway hands to the later fetches of the request (contracts/victim-access/grant.ts).
 */
import type { ApolloServerPlugin } from "@apollo/server";
import type { DataSource } from "typeorm";
import {
  createVictimAccessGrants,
  GRANT_RESPONSE_EXTENSION,
  GRANT_WANTED_HEADER,
  type VictimAccessGrants,
} from "../../contracts/victim-access/grant";
import { factsFor, VICTIM_ACCESS, type ConsentName, type VictimAccess } from "../../contracts/victim-access/route";
import type { Caller } from "../../platform/auth/claims";
import type { RequestContextHook, SubgraphContext } from "../../platform/context";
import { answerRoute, MAX_IDS_PER_QUESTION } from "../../platform/internal-api";
import { Victim } from "./entities/victim";
import { actsAsOwner, CONSULAR_CONSENT_STANDS, whereVisible } from "./record-rules";

/** What the victims subgraph's request context holds besides the generic members. */
export interface VictimsContextExtra {
  /** Seals this subgraph's grants (contracts/victim-access/grant.ts). */
  grants: VictimAccessGrants;
  /** When the gateway asked for a grant: the people this answer names (noted by the resolver of `Victim.id`). */
  grantFor?: Set<string>;
}

export type VictimsContext = SubgraphContext<VictimsContextExtra>;

/** The victims module's `requestContext`: the grant sealer, and a set to note the people named when a grant is wanted. */
export const victimsRequestContext: RequestContextHook<VictimsContextExtra> = ({ serviceSecret }) => {
  const grants = createVictimAccessGrants(serviceSecret);
  return ({ signer, header }) => ({
    grants,
    // Only the gateway may ask for a grant: it alone strips it before answering the client.
    grantFor: signer === "gateway" && header(GRANT_WANTED_HEADER) === "wanted" ? new Set<string>() : undefined,
  });
};

interface FactsRow {
  id: string;
  owner_org: string;
  nationality: string;
  requires_medical_escort: boolean;
  consents: ConsentName[];
}

/** Which of `ids` the caller may see, with the facts the other subgraphs' rules need: one statement. */
export async function victimAccessFor(caller: Caller, ids: string[], db: DataSource): Promise<VictimAccess[]> {
  if (ids.length === 0) return [];
  const rows = await whereVisible(
    db
      .getRepository(Victim)
      .createQueryBuilder("v")
      .select([
        "v.id AS id",
        "v.owner_org AS owner_org",
        "v.nationality AS nationality",
        "v.requires_medical_escort AS requires_medical_escort",
      ])
      // A consular-contact consent given for another country than the nationality does not stand.
      .addSelect(
        `ARRAY(SELECT c.kind FROM consent c WHERE c.victim_id = v.id AND c.granted AND (c.kind <> 'CONSULAR_CONTACT' OR ${CONSULAR_CONSENT_STANDS.replaceAll("{v}", "v")}) ORDER BY c.kind)`,
        "consents",
      )
      .where("v.id IN (:...ids)", { ids }),
    caller,
  ).getRawMany<FactsRow>();
  return rows.map((row) => ({
    id: row.id,
    actsAsOwner: actsAsOwner(caller, row.owner_org),
    ownerOrg: row.owner_org,
    nationality: row.nationality,
    consents: row.consents,
    requiresMedicalEscort: row.requires_medical_escort,
  }));
}

export const victimAccessRoute = answerRoute(VICTIM_ACCESS, async ({ caller, request, db, asker }) => ({
  visible: (await victimAccessFor(caller, request.ids, db)).map((access) => factsFor(asker, access)),
}));

/**
 * Seals the grant after execution (so its one statement counts with this request's) and
 * puts it in the response's extensions, where only the gateway reads it. The answer is
 * computed again by `victimAccessFor`, not taken from what was resolved: the grant says
 * exactly what the route would have said. The people named are noted by the resolver of
 * `Victim.id` (resolvers/victim-resolver.ts) into `context.grantFor`.
 */
export const victimAccessGrantPlugin: ApolloServerPlugin<VictimsContext> = {
  async requestDidStart({ contextValue }) {
    if (!contextValue.grantFor) return;
    let grant: string | undefined;
    return {
      async executionDidStart() {
        return {
          async executionDidEnd(error) {
            const { grantFor, caller, db, grants, authorization, requestId } = contextValue;
            if (error || !grantFor || grantFor.size === 0) return;
            const visible = await victimAccessFor(caller, [...grantFor].slice(0, MAX_IDS_PER_QUESTION), db);
            if (visible.length > 0) grant = grants.seal(authorization, requestId, visible);
          },
        };
      },
      async willSendResponse({ response }) {
        // Not on an answer withheld whole (an audit failure): nothing here to continue from.
        if (!grant || response.body.kind !== "single" || !response.body.singleResult.data) return;
        response.body.singleResult.extensions = {
          ...response.body.singleResult.extensions,
          [GRANT_RESPONSE_EXTENSION]: grant,
        };
      },
    };
  },
};
