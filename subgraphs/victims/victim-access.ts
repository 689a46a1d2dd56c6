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
import { createPublicKey } from "node:crypto";
import type { ApolloServerPlugin } from "@apollo/server";
import type { DataSource, ObjectLiteral, SelectQueryBuilder } from "typeorm";
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
  /**
   * When the gateway asked for a grant: the route's answer for the people the reads of this
   * request read, taken from those very rows (`selectGrantFacts`, `noteGrantFacts`), so the
   * grant costs no statement of its own.
   */
  grantFacts?: Map<string, VictimAccess>;
}

export type VictimsContext = SubgraphContext<VictimsContextExtra>;
/** Any context of this subgraph's requests (the grant's members are there only when one is wanted). */
export type GrantFactsContext = SubgraphContext<Pick<VictimsContextExtra, "grantFacts">>;

/** The victims module's `requestContext`: the grant sealer, and a set to note the people named when a grant is wanted. */
export const victimsRequestContext: RequestContextHook<VictimsContextExtra> = ({ serviceSecret, signingKey }) => {
  // Signed with this process's own key: no other holder of the service secret can make one (grant.ts).
  const grants = createVictimAccessGrants(serviceSecret, {
    privateKey: signingKey,
    publicKey: createPublicKey(signingKey),
  });
  return ({ signer, header }) => {
    // Only the gateway may ask for a grant: it alone strips it before answering the client.
    const wanted = signer === "gateway" && header(GRANT_WANTED_HEADER) === "wanted";
    return wanted ? { grants, grantFor: new Set<string>(), grantFacts: new Map() } : { grants };
  };
};

/** The consents that count, of a person read as `alias`: a consular-contact consent stands only for the nationality. */
const consentsThatCount = (alias: string) =>
  `ARRAY(SELECT c.kind FROM consent c WHERE c.victim_id = ${alias}.id AND c.granted AND (c.kind <> 'CONSULAR_CONTACT' OR ${CONSULAR_CONSENT_STANDS.replaceAll("{v}", alias)}) ORDER BY c.kind)`;

interface FactsRow {
  id: string;
  owner_org: string;
  nationality: string;
  requires_medical_escort: boolean;
  consents: ConsentName[];
}

function accessOf(caller: Caller, row: FactsRow): VictimAccess {
  return {
    id: row.id,
    actsAsOwner: actsAsOwner(caller, row.owner_org),
    ownerOrg: row.owner_org,
    nationality: row.nationality,
    consents: row.consents,
    requiresMedicalEscort: row.requires_medical_escort,
  };
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
      .addSelect(consentsThatCount("v"), "consents")
      .where("v.id IN (:...ids)", { ids }),
    caller,
  ).getRawMany<FactsRow>();
  return rows.map((row) => accessOf(caller, row));
}

export const victimAccessRoute = answerRoute(VICTIM_ACCESS, async ({ caller, request, db, asker }) => ({
  visible: (await victimAccessFor(caller, request.ids, db)).map((access) => factsFor(asker, access)),
}));

const FACT_COLUMNS = ["id", "owner_org", "nationality", "requires_medical_escort"] as const;

/**
 * A read of victims under the record rule (`whereVisible`), made to read the grant's facts
 * too when a grant is wanted: the same columns and consent expression as `victimAccessFor`,
 * in the same statement. Pair with `noteGrantFacts` on its raw rows.
 */
export function selectGrantFacts<T extends ObjectLiteral>(
  context: GrantFactsContext,
  query: SelectQueryBuilder<T>,
  alias = query.alias,
): SelectQueryBuilder<T> {
  if (!context.grantFacts) return query;
  // In parentheses: TypeORM would take a bare `v.id` for the entity's property and not alias it.
  for (const column of FACT_COLUMNS) query.addSelect(`(${alias}.${column})`, `grant_${column}`);
  return query.addSelect(consentsThatCount(alias), "grant_consents");
}

/** Notes the facts `selectGrantFacts` read, from rows the record rule let through: the route's answer for them. */
export function noteGrantFacts(context: GrantFactsContext, raw: ReadonlyArray<Record<string, unknown>>): void {
  const facts = context.grantFacts;
  if (!facts) return;
  for (const row of raw) {
    const access = accessOf(context.caller, {
      id: row.grant_id as string,
      owner_org: row.grant_owner_org as string,
      nationality: row.grant_nationality as string,
      requires_medical_escort: row.grant_requires_medical_escort as boolean,
      consents: row.grant_consents as ConsentName[],
    });
    facts.set(access.id, access);
  }
}

/** Reads a query's entities, noting the grant's facts from the same rows when a grant is wanted. */
export async function readWithGrantFacts<T extends ObjectLiteral>(
  context: GrantFactsContext,
  query: SelectQueryBuilder<T>,
): Promise<T[]> {
  if (!context.grantFacts) return query.getMany();
  const { entities, raw } = await selectGrantFacts(context, query).getRawAndEntities();
  noteGrantFacts(context, raw as Array<Record<string, unknown>>);
  return entities;
}

/**
 * Seals the grant after a query's execution and puts it in the response's extensions, where
 * only the gateway reads it. The facts of the people named come from the rows the reads
 * already read (`grantFacts`): the same statement, so the same record rule and snapshot, as
 * the answer. People named but not read that way are looked up by `victimAccessFor` after
 * execution, as the route would. A mutation gets no grant: its writes may change the facts
 * its operation's later fetches must see. The people named are noted by the resolver of `Victim.id`
 * (resolvers/victim-resolver.ts) into `context.grantFor`.
 */
export const victimAccessGrantPlugin: ApolloServerPlugin<VictimsContext> = {
  async requestDidStart({ contextValue }) {
    if (!contextValue.grantFor) return;
    let grant: string | undefined;
    return {
      async executionDidStart({ operation }) {
        // Only a read is sealed: facts after a write would be stale for the next fetch of the same operation, and
        // the askers trust a grant only in a query (contracts/victim-access/asking.ts).
        if (operation.operation !== "query") return;
        return {
          async executionDidEnd(error) {
            const { grantFor, grantFacts, caller, db, grants, authorization, requestId } = contextValue;
            if (error || !grantFor || grantFor.size === 0) return;
            const named = [...grantFor].slice(0, MAX_IDS_PER_QUESTION);
            const visible: VictimAccess[] = [];
            const unread: string[] = [];
            for (const id of named) {
              const read = grantFacts?.get(id);
              if (read) visible.push(read);
              else unread.push(id);
            }
            if (unread.length > 0) visible.push(...(await victimAccessFor(caller, unread, db)));
            if (visible.length === 0) return;
            try {
              grant = grants.seal(authorization, requestId, visible);
            } catch {
              // Facts the compact form cannot hold exactly (contracts/victim-access/grant.ts): no grant, the askers ask.
              grant = undefined;
            }
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
