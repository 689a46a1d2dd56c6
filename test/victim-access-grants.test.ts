/**
 * Victim-access grants (contracts/victim-access/grant.ts): the victims subgraph's
 * sealed answer to "who may this caller see", handed by the gateway to the later fetches
 * of the same request so they need not ask. A grant may save a question; it must never
 * widen an answer, travel to the client, or serve another caller or request.
 */
import { createPublicKey, randomUUID } from "node:crypto";
import { ensureDevRequestSigningKey } from "../platform/auth/keys";
import jwt from "jsonwebtoken";
import type { DevTokenRequest } from "../platform/auth/tokens";
import {
  createServiceCredentials,
  loadServiceSecret,
  SERVICE_CREDENTIAL_HEADER,
  ServiceCredentialError,
} from "../platform/auth/service-credentials";
import {
  createVictimAccessGrants,
  GRANT_REQUEST_EXTENSION,
  GRANT_RESPONSE_EXTENSION,
  GRANT_WANTED_HEADER,
} from "../contracts/victim-access/grant";
import { factsFor, VICTIM_ACCESS_PATH, VICTIM_FACTS_FOR, type VictimAccess } from "../contracts/victim-access/route";
import { consent, register } from "./support/cases";
import { asPersona, hubFetch, PERSONAS, postGraphQL, subgraphUrl, testAuthConfig, tokenFor } from "./support/hub";

const secret = () => loadServiceSecret({ devKeyDir: testAuthConfig().devKeyDir });
/** The victims subgraph's own key pair (development): it signs every grant inside the seal. */
const victimsSigning = () => {
  const privateKey = ensureDevRequestSigningKey(testAuthConfig().devKeyDir, "victims");
  return { privateKey, publicKey: createPublicKey(privateKey) };
};

const someone: VictimAccess = {
  id: "7d3c2a4e-0000-4000-8000-000000000001",
  actsAsOwner: false,
  ownerOrg: "ngo-lighthouse",
  nationality: "PH",
  consents: ["CONSULAR_CONTACT"],
  requiresMedicalEscort: false,
};

describe("a grant is bound to its caller, its request and ten seconds, and only subgraphs can make one", () => {
  const grants = () => createVictimAccessGrants(secret(), victimsSigning());

  it("opens for the caller and request it was sealed for", () => {
    const grant = grants().seal("Bearer a", "req-1", [someone]);
    expect(grants().open(grant, "Bearer a", "req-1")).toEqual([someone]);
  });

  it("does not open for another caller, another request, or anything that is not a string", () => {
    const grant = grants().seal("Bearer a", "req-1", [someone]);
    expect(grants().open(grant, "Bearer b", "req-1")).toBeUndefined();
    expect(grants().open(grant, "Bearer a", "req-2")).toBeUndefined();
    expect(grants().open(grant, "", "req-1")).toBeUndefined();
    expect(grants().open({ grant }, "Bearer a", "req-1")).toBeUndefined();
    expect(grants().open(undefined, "Bearer a", "req-1")).toBeUndefined();
  });

  it("says nothing to whoever holds it: the facts are sealed", () => {
    const grant = grants().seal("Bearer a", "req-1", [someone]);
    const decoded = Buffer.from(grant.split(".")[1], "base64url").toString("latin1");
    for (const fact of [someone.id, "ngo-lighthouse", "CONSULAR_CONTACT", "req-1", "visible"])
      expect(decoded).not.toContain(fact);
    // Two seals of the same answer differ (a fresh IV each): nothing to compare either.
    expect(grants().seal("Bearer a", "req-1", [someone])).not.toBe(grant);
  });

  it("does not open once altered, or sealed with any other secret", () => {
    const grant = grants().seal("Bearer a", "req-1", [someone]);
    const [version, body] = grant.split(".");
    const bytes = Buffer.from(body, "base64url");
    for (const at of [0, 20, bytes.length - 1]) {
      const altered = Buffer.from(bytes);
      altered[at] ^= 1;
      expect(grants().open(`${version}.${altered.toString("base64url")}`, "Bearer a", "req-1")).toBeUndefined();
    }
    const forged = createVictimAccessGrants("another secret of at least thirty-two characters", victimsSigning()).seal(
      "Bearer a",
      "req-1",
      [someone],
    );
    expect(grants().open(forged, "Bearer a", "req-1")).toBeUndefined();
    const unsigned = jwt.sign({ visible: [someone] }, "", { algorithm: "none" });
    expect(grants().open(unsigned, "Bearer a", "req-1")).toBeUndefined();
  });

  it("expires after ten seconds", () => {
    const grant = grants().seal("Bearer a", "req-1", [someone]);
    const now = Date.now();
    const clock = jest.spyOn(Date, "now").mockReturnValue(now + 11_000);
    try {
      expect(grants().open(grant, "Bearer a", "req-1")).toBeUndefined();
    } finally {
      clock.mockRestore();
    }
  });

  it("is never a service credential, nor a service credential a grant", () => {
    const credentials = createServiceCredentials("shelters", secret());
    const grant = grants().seal("Bearer a", "req-1", [someone]);
    expect(() => credentials.verify(grant)).toThrow(ServiceCredentialError);
    expect(grants().open(credentials.current(), "Bearer a", "req-1")).toBeUndefined();
  });
});

interface Dashboard {
  nationals: {
    edges: Array<{
      node: {
        id: string;
        currentPlacement: { placedAt: string } | null;
        travelDocuments: unknown[];
        repatriation: unknown;
      };
    }>;
  };
}
const DASHBOARD = `{ nationals(first: 100) { edges { node { id legalName currentPlacement { placedAt } travelDocuments { kind } repatriation { status } } } } }`;

describe("through the gateway", () => {
  it("an embassy's dashboard asks no subgraph a question: the victims fetch's grant answers them all", async () => {
    const response = await asPersona<Dashboard>(PERSONAS.embassyPH, DASHBOARD);
    expect(response.errors).toBeUndefined();
    expect(response.data!.nationals.edges.length).toBeGreaterThan(10);
    const questions = response.extensions!.peerQuestions as Record<string, number>;
    expect(Object.values(questions).reduce((sum, count) => sum + count, 0)).toBe(0);
    // The grant costs no statement: its facts come from the page's own rows (the page, the audit append).
    expect((response.extensions!.sqlStatements as Record<string, number>).victims).toBe(2);
    // Nothing of the grant reaches the client.
    expect(JSON.stringify(response)).not.toContain(GRANT_RESPONSE_EXTENSION);
    expect(JSON.stringify(response)).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });

  it("a read of the victims subgraph alone asks for no grant and pays nothing for one", async () => {
    const response = await asPersona(
      PERSONAS.embassyPH,
      "{ nationals(first: 100) { edges { node { id legalName } } } }",
    );
    expect(response.errors).toBeUndefined();
    // The page, and the audit of the names read: no third statement.
    expect(response.extensions!.sqlStatements).toEqual({ victims: 2 });
  });

  it("a request that does not start at the victims subgraph still asks, once", async () => {
    const response = await asPersona(
      PERSONAS.ngo,
      "{ shelters(first: 10) { edges { node { id residents { id placedAt } } } } }",
    );
    expect(response.errors).toBeUndefined();
    expect(response.extensions!.peerQuestions).toEqual({ shelters: 1 });
  });
});

describe("straight at a subgraph, a grant is used only when it is the victims subgraph's, for this caller and this request", () => {
  const PLACEMENT = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Victim { currentPlacement { placedAt } } } }`;
  let placed: string;

  beforeAll(async () => {
    const response = await asPersona<Dashboard>(PERSONAS.embassyPH, DASHBOARD);
    placed = response.data!.nationals.edges.find((edge) => edge.node.currentPlacement)!.node.id;
  });

  async function askShelters(persona: (typeof PERSONAS)[keyof typeof PERSONAS], requestId: string, grants?: unknown[]) {
    const response = await hubFetch(subgraphUrl("shelters"), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${tokenFor(persona)}`,
        "x-request-id": requestId,
      },
      body: JSON.stringify({
        query: PLACEMENT,
        variables: { representations: [{ __typename: "Victim", id: placed }] },
        ...(grants ? { extensions: { [GRANT_REQUEST_EXTENSION]: grants } } : {}),
      }),
    });
    const json = (await response.json()) as {
      data?: { _entities: Array<{ currentPlacement: unknown } | null> };
      errors?: unknown[];
    };
    return {
      placement: json.data?._entities[0]?.currentPlacement ?? null,
      questions: Number(response.headers.get("x-peer-questions")),
    };
  }

  const grantFor = (
    persona: (typeof PERSONAS)[keyof typeof PERSONAS],
    requestId: string,
    access: VictimAccess,
    key = secret(),
  ) => createVictimAccessGrants(key, victimsSigning()).seal(`Bearer ${tokenFor(persona)}`, requestId, [access]);
  const factsOf = (id: string): VictimAccess => ({ ...someone, id });

  it("without a grant the subgraph asks, and the answer follows the caller's record rule", async () => {
    expect(await askShelters(PERSONAS.embassyPH, randomUUID())).toEqual({ placement: expect.anything(), questions: 1 });
    expect(await askShelters(PERSONAS.embassyKE, randomUUID())).toEqual({ placement: null, questions: 1 });
  });

  it("a valid grant for this caller and request answers without a question", async () => {
    const requestId = randomUUID();
    expect(
      await askShelters(PERSONAS.embassyPH, requestId, [grantFor(PERSONAS.embassyPH, requestId, factsOf(placed))]),
    ).toEqual({ placement: expect.anything(), questions: 0 });
  });

  it("a grant forged without the service secret is ignored: Kenya's embassy still sees no Filipino's placement", async () => {
    const requestId = randomUUID();
    const forged = grantFor(
      PERSONAS.embassyKE,
      requestId,
      factsOf(placed),
      "a secret a client might guess, thirty-two chars+",
    );
    expect(await askShelters(PERSONAS.embassyKE, requestId, [forged])).toEqual({ placement: null, questions: 1 });
  });

  it("a real grant made for another caller, or for another request, is ignored", async () => {
    const requestId = randomUUID();
    const philippines = grantFor(PERSONAS.embassyPH, requestId, factsOf(placed));
    expect(await askShelters(PERSONAS.embassyKE, requestId, [philippines])).toEqual({ placement: null, questions: 1 });
    expect(await askShelters(PERSONAS.embassyPH, randomUUID(), [philippines])).toEqual({
      placement: expect.anything(),
      questions: 1,
    });
  });
});

describe("a grant says exactly what the route would answer, for the same caller and people", () => {
  const owner = { role: "ngo", org: `ngo-facts-${randomUUID().slice(0, 8)}` } as const;
  let people: { both: string; withdrawn: string; kenyan: string; none: string };

  beforeAll(async () => {
    const both = (await register(owner, { nationality: "PH", requiresMedicalEscort: true })).id;
    await consent(owner, both, "CONSULAR_CONTACT", true);
    await consent(owner, both, "REPATRIATION", true);
    const withdrawn = (await register(owner, { nationality: "PH" })).id;
    await consent(owner, withdrawn, "CONSULAR_CONTACT", true);
    await consent(owner, withdrawn, "REPATRIATION", true);
    await consent(owner, withdrawn, "CONSULAR_CONTACT", false);
    const kenyan = (await register(owner, { nationality: "KE" })).id;
    await consent(owner, kenyan, "CONSULAR_CONTACT", true);
    await consent(owner, kenyan, "SHELTER_SHARING", true);
    const none = (await register(owner, { nationality: "PH" })).id;
    people = { both, withdrawn, kenyan, none };
  });

  /** The grant the victims subgraph gives the gateway for this read, opened (as an asking subgraph would). */
  async function grantOf(persona: DevTokenRequest, query: string, variables?: Record<string, unknown>) {
    const requestId = randomUUID();
    const authorization = `Bearer ${tokenFor(persona)}`;
    const send = (headers: Record<string, string>) =>
      postGraphQL(subgraphUrl("victims"), { query, variables }, authorization, { headers });
    const response = await send({ [GRANT_WANTED_HEADER]: "wanted", "x-request-id": requestId });
    expect(response.status).toBe(200);
    // The grant is read from the rows the fetch reads anyway: no statement of its own.
    const without = await send({});
    expect(response.headers.get("x-sql-statements")).toBe(without.headers.get("x-sql-statements"));
    const sealed = response.extensions?.[GRANT_RESPONSE_EXTENSION];
    if (sealed === undefined) return { sealed: undefined, visible: [] as VictimAccess[] };
    const visible = createVictimAccessGrants(secret(), victimsSigning()).open(sealed, authorization, requestId);
    expect(visible).toBeDefined();
    return { sealed: sealed as string, visible: visible! };
  }

  /** The route's answer to `asker` for this caller and these people. */
  async function routeAnswer(persona: DevTokenRequest, asker: string, ids: string[]): Promise<VictimAccess[]> {
    const response = await hubFetch(
      subgraphUrl("victims").replace("/graphql", VICTIM_ACCESS_PATH),
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${tokenFor(persona)}`,
          [SERVICE_CREDENTIAL_HEADER]: createServiceCredentials(asker, secret()).current(),
        },
        body: JSON.stringify({ ids }),
      },
      { signer: asker },
    );
    expect(response.status).toBe(200);
    return ((await response.json()) as { visible: VictimAccess[] }).visible;
  }

  const byId = (list: VictimAccess[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));

  /** Every asker, told from the grant, learns exactly what the route would tell it: no more, no less. */
  async function expectGrantEqualsRoute(persona: DevTokenRequest, visible: VictimAccess[], alsoAsked: string[]) {
    const ids = [...new Set([...visible.map((access) => access.id), ...alsoAsked])];
    for (const asker of Object.keys(VICTIM_FACTS_FOR)) {
      const fromGrant = byId(visible.map((access) => factsFor(asker, access)));
      expect({ asker, facts: fromGrant }).toEqual({ asker, facts: byId(await routeAnswer(persona, asker, ids)) });
    }
  }

  /** expectGrantEqualsRoute's comparison, as a yes or no. */
  async function grantEqualsRoute(persona: DevTokenRequest, visible: VictimAccess[]): Promise<boolean> {
    const ids = visible.map((access) => access.id);
    for (const asker of Object.keys(VICTIM_FACTS_FOR)) {
      const fromGrant = byId(visible.map((access) => factsFor(asker, access)));
      const fromRoute = byId(await routeAnswer(persona, asker, ids));
      try {
        expect(fromGrant).toEqual(fromRoute); // toEqual's own notion of equal, as expectGrantEqualsRoute's
      } catch {
        return false;
      }
    }
    return true;
  }

  const SINGLE_READS = `query ($a: ID!, $b: ID!, $c: ID!, $d: ID!) { a: victim(id: $a) { id } b: victim(id: $b) { id } c: victim(id: $c) { id } d: victim(id: $d) { id } }`;
  const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Victim { id } } }`;
  const all = () => Object.values(people);

  it("single reads, for the owner, the government, the repatriation agency and each embassy", async () => {
    const variables = { a: people.both, b: people.withdrawn, c: people.kenyan, d: people.none };
    for (const persona of [owner, PERSONAS.government, PERSONAS.repatriation, PERSONAS.embassyPH, PERSONAS.embassyKE]) {
      const { visible } = await grantOf(persona, SINGLE_READS, variables);
      await expectGrantEqualsRoute(persona, visible, all());
    }
  });

  it("a page of the owner's cases, and `_entities`", async () => {
    const page = await grantOf(owner, "{ victims(first: 100) { edges { node { id } } } }");
    expect(page.visible.map((access) => access.id).sort()).toEqual(all().sort());
    await expectGrantEqualsRoute(owner, page.visible, all());
    const representations = all().map((id) => ({ __typename: "Victim", id }));
    const entities = await grantOf(PERSONAS.repatriation, ENTITIES, { representations });
    expect(entities.visible.map((access) => access.id).sort()).toEqual([people.both, people.withdrawn].sort());
    await expectGrantEqualsRoute(PERSONAS.repatriation, entities.visible, all());
  });

  it("a withdrawn consent and another nationality's consent are told as the route tells them", async () => {
    const { visible } = await grantOf(owner, "{ victims(first: 100) { edges { node { id } } } }");
    const facts = new Map(visible.map((access) => [access.id, access]));
    expect(facts.get(people.both)).toEqual({
      id: people.both,
      actsAsOwner: true,
      ownerOrg: owner.org,
      nationality: "PH",
      consents: ["CONSULAR_CONTACT", "REPATRIATION"],
      requiresMedicalEscort: true,
    });
    expect(facts.get(people.withdrawn)!.consents).toEqual(["REPATRIATION"]);
    expect(facts.get(people.kenyan)).toMatchObject({ nationality: "KE", consents: ["CONSULAR_CONTACT"] });
    expect(facts.get(people.none)!.consents).toEqual([]);
    // Told to the Philippine embassy: only the person who consents to it; the Kenyan embassy: only the Kenyan.
    const philippines = await grantOf(PERSONAS.embassyPH, SINGLE_READS, {
      a: people.both,
      b: people.withdrawn,
      c: people.kenyan,
      d: people.none,
    });
    expect(philippines.visible.map((access) => access.id)).toEqual([people.both]);
    const kenya = await grantOf(PERSONAS.embassyKE, ENTITIES, {
      representations: all().map((id) => ({ __typename: "Victim", id })),
    });
    expect(kenya.visible.map((access) => access.id)).toEqual([people.kenyan]);
  });

  it("an embassy's page of 100 nationals: the route's answer, in a grant of a few KB", async () => {
    // The page holds people other test files register and change on the shared hub while this runs (a consent
    // withdrawn between the grant and the route's answer): a grant is held to the route's answer of the moment
    // just after it, taken again at most twice when they differ. A grant that says what the route never would
    // differs every time.
    const page = () => grantOf(PERSONAS.embassyPH, "{ nationals(first: 100) { edges { node { id } } } }");
    let { sealed, visible } = await page();
    for (let retry = 0; retry < 2 && !(await grantEqualsRoute(PERSONAS.embassyPH, visible)); retry += 1)
      ({ sealed, visible } = await page());
    expect(visible.length).toBeGreaterThan(10);
    await expectGrantEqualsRoute(PERSONAS.embassyPH, visible, []);
    // ~19 bytes a person, sealed and base64: a 100-person grant stays under 3 KB (it was ~27 KB as JSON).
    expect(sealed!.length).toBeLessThan(((3 * 1024) / 100) * Math.max(visible.length, 1) + 512);
  });
});
