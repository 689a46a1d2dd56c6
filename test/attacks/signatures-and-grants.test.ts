/**
 * Attacks on the path: a partner with a valid token calls a subgraph itself, forges or
 * replays what the hub signs, fishes for a victim-access grant, or asks an internal route
 * as the wrong subgraph. Each must get nothing: 403 before any GraphQL or route runs, no
 * grant, no fact the asker does not need.
 */
import { generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import { ensureDevRequestSigningKey } from "../../platform/auth/keys";
import { createRequestSigner, SIGNATURE_HEADER, SIGNATURE_WINDOW_SECONDS } from "../../platform/auth/request-signature";
import {
  createServiceCredentials,
  loadServiceSecret,
  SERVICE_CREDENTIAL_HEADER,
} from "../../platform/auth/service-credentials";
import { GRANT_RESPONSE_EXTENSION, GRANT_WANTED_HEADER } from "../../contracts/victim-access/grant";
import { AUDIT_CHAIN_PATH } from "../../contracts/audit-chain";
import { AUDIT_TRAIL_PATH } from "../../contracts/audit-trail";
import { SUBGRAPH_NAMES, type SubgraphName } from "../../subgraphs/index";
import { JOURNEYS_PATH } from "../../contracts/statistics-journeys";
import { STAYS_PATH } from "../../contracts/statistics-stays";
import { TRAVEL_READINESS_PATH } from "../../contracts/travel-readiness";
import { VICTIM_ACCESS_PATH } from "../../contracts/victim-access/route";
import { DIAGNOSTIC_COUNTERS_PATH } from "../../platform/request-scope";
import {
  asPersona,
  gatewayUrl,
  hubFetch,
  PERSONAS,
  postGraphQL,
  subgraphUrl,
  testAuthConfig,
  tokenFor,
} from "../support/hub";
import { consent, register } from "../support/cases";

const keyDir = () => testAuthConfig().devKeyDir;
const bearer = (persona: Parameters<typeof tokenFor>[0]) => `Bearer ${tokenFor(persona)}`;
const NATIONALS = "{ nationals(first: 20) { edges { node { id } } } }";

/** A POST whose signature the test makes by hand (or leaves out). */
function rawPost(url: string, body: string, headers: Record<string, string>) {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

function signAs(
  signer: string,
  url: string,
  body: string,
  headers: Record<string, string>,
  key: KeyObject = ensureDevRequestSigningKey(keyDir(), signer),
  now?: () => number,
): string {
  return createRequestSigner(signer, key, now).sign({
    method: "POST",
    path: new URL(url).pathname,
    body,
    headers: (name) => headers[name],
  });
}

describe("a subgraph answers only requests signed by the hub", () => {
  it.each(SUBGRAPH_NAMES)("%s: an unsigned request with a valid token gets 403 and runs nothing", async (name) => {
    const response = await postGraphQL(subgraphUrl(name), { query: "{ __typename }" }, bearer(PERSONAS.government), {
      unsigned: true,
    });
    expect(response.status).toBe(403);
    expect(response.data).toBeUndefined();
    expect(response.errors).toEqual([
      { message: "This service answers the hub only", extensions: expect.objectContaining({ code: "FORBIDDEN" }) },
    ]);
    // GET too (Apollo would run a query from the URL).
    const get = await fetch(`${subgraphUrl(name)}?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { authorization: bearer(PERSONAS.government), "apollo-require-preflight": "1" },
    });
    expect(get.status).toBe(403);
  });

  it("an unsigned mutation changes nothing", async () => {
    const owner = { role: "ngo", org: `ngo-unsigned-${randomUUID().slice(0, 8)}` } as const;
    const response = await postGraphQL(
      subgraphUrl("victims"),
      {
        query: "mutation ($v: RegisterVictimInput!) { registerVictim(victim: $v) { id } }",
        variables: { v: { nationality: "UG", gender: "FEMALE", ageBracket: "AGE_18_25" } },
      },
      bearer(owner),
      { unsigned: true },
    );
    expect(response.status).toBe(403);
    const mine = await asPersona<{ victims: { totalCount: number } }>(owner, "{ victims(first: 1) { totalCount } }");
    expect(mine.data!.victims.totalCount).toBe(0);
  });

  it("a signature made with another key, over another body, too old, or replayed is refused", async () => {
    const url = subgraphUrl("victims");
    const body = JSON.stringify({ query: "{ __typename }" });
    const headers = { authorization: bearer(PERSONAS.embassyPH), "content-type": "application/json" };
    const good = signAs("gateway", url, body, headers);
    expect((await rawPost(url, body, { ...headers, [SIGNATURE_HEADER]: good })).status).toBe(200);
    // The same signature again: a replay.
    expect((await rawPost(url, body, { ...headers, [SIGNATURE_HEADER]: good })).status).toBe(403);
    const otherKey = signAs("gateway", url, body, headers, generateKeyPairSync("ed25519").privateKey);
    expect((await rawPost(url, body, { ...headers, [SIGNATURE_HEADER]: otherKey })).status).toBe(403);
    const forBody = signAs("gateway", url, body, headers);
    expect(
      (await rawPost(url, JSON.stringify({ query: "{ me { org } }" }), { ...headers, [SIGNATURE_HEADER]: forBody }))
        .status,
    ).toBe(403);
    const forCaller = signAs("gateway", url, body, headers);
    expect(
      (
        await rawPost(url, body, {
          ...headers,
          authorization: bearer(PERSONAS.government),
          [SIGNATURE_HEADER]: forCaller,
        })
      ).status,
    ).toBe(403);
    const stale = signAs(
      "gateway",
      url,
      body,
      headers,
      undefined,
      () => Date.now() - (SIGNATURE_WINDOW_SECONDS + 5) * 1000,
    );
    expect((await rawPost(url, body, { ...headers, [SIGNATURE_HEADER]: stale })).status).toBe(403);
  });
});

describe("victim-access grants stay inside the hub", () => {
  it("a client straight at the victims subgraph cannot obtain a grant (finding 1)", async () => {
    const response = await postGraphQL(subgraphUrl("victims"), { query: NATIONALS }, bearer(PERSONAS.embassyPH), {
      unsigned: true,
      headers: { [GRANT_WANTED_HEADER]: "wanted" },
    });
    expect(response.status).toBe(403);
    expect(JSON.stringify(response)).not.toContain(GRANT_RESPONSE_EXTENSION);
  });

  it("only the gateway's own fetches are given one: a request signed by another hub process is not", async () => {
    const response = await postGraphQL(subgraphUrl("victims"), { query: NATIONALS }, bearer(PERSONAS.embassyPH), {
      signer: "shelters",
      headers: { [GRANT_WANTED_HEADER]: "wanted" },
    });
    expect(response.status).toBe(200);
    expect(response.extensions?.[GRANT_RESPONSE_EXTENSION]).toBeUndefined();
  });

  it("a client asking the gateway for a grant gets none, and cannot choose the request id grants are bound to (finding 2)", async () => {
    const chosen = `attacker-${randomUUID()}`;
    const response = await postGraphQL(
      gatewayUrl(),
      { query: "{ nationals(first: 5) { edges { node { id currentPlacement { placedAt } } } } }" },
      bearer(PERSONAS.embassyPH),
      { unsigned: true, headers: { [GRANT_WANTED_HEADER]: "wanted", "x-request-id": chosen } },
    );
    expect(response.errors).toBeUndefined();
    expect(JSON.stringify(response)).not.toContain(GRANT_RESPONSE_EXTENSION);
    expect(response.headers.get("x-request-id")).not.toBe(chosen);
  });

  it("a withdrawn consent counts on the very next request through the gateway", async () => {
    const owner = { role: "ngo", org: `ngo-grant-${randomUUID().slice(0, 8)}` } as const;
    const victim = await register(owner, { nationality: "PH" });
    await consent(owner, victim.id, "CONSULAR_CONTACT", true);
    // A plan that starts at the victims subgraph and continues in two others: grants at work.
    const query = `query ($id: ID!) { victim(id: $id) { id travelDocuments { kind } currentPlacement { placedAt } } }`;
    const seen = async () =>
      (await asPersona<{ victim: { id: string } | null }>(PERSONAS.embassyPH, query, { id: victim.id })).data?.victim
        ?.id;
    expect(await seen()).toBe(victim.id);
    await consent(owner, victim.id, "CONSULAR_CONTACT", false);
    expect(await seen()).toBeUndefined();
  });
});

describe("internal routes answer only the subgraph that needs them, only what it needs", () => {
  const routes: Array<{ owner: SubgraphName; path: string; askers: SubgraphName[]; body: unknown }> = [
    {
      owner: "victims",
      path: VICTIM_ACCESS_PATH,
      askers: ["shelters", "embassies", "repatriation"],
      body: { ids: [] },
    },
    { owner: "embassies", path: TRAVEL_READINESS_PATH, askers: ["repatriation"], body: { ids: [] } },
    { owner: "shelters", path: STAYS_PATH, askers: ["victims"], body: {} },
    { owner: "repatriation", path: JOURNEYS_PATH, askers: ["victims"], body: {} },
    { owner: "embassies", path: AUDIT_TRAIL_PATH, askers: ["victims"], body: { first: 1 } },
    { owner: "shelters", path: AUDIT_CHAIN_PATH, askers: ["victims"], body: {} },
  ];

  function askAs(asker: string, owner: SubgraphName, path: string, body: unknown, signer = asker) {
    const credential = createServiceCredentials(asker, loadServiceSecret({ devKeyDir: keyDir() })).current();
    return hubFetch(
      subgraphUrl(owner).replace("/graphql", path),
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: bearer(PERSONAS.government),
          [SERVICE_CREDENTIAL_HEADER]: credential,
        },
        body: JSON.stringify(body),
      },
      { signer },
    );
  }

  it.each(routes)(
    "$owner $path answers $askers, and refuses every other hub process",
    async ({ owner, path, askers, body }) => {
      for (const asker of askers)
        expect({ asker, status: (await askAs(asker, owner, path, body)).status }).toEqual({ asker, status: 200 });
      for (const other of [...SUBGRAPH_NAMES, "gateway"].filter((name) => !(askers as string[]).includes(name))) {
        expect({ other, status: (await askAs(other, owner, path, body)).status }).toEqual({ other, status: 403 });
      }
      // A credential of a rightful asker on a request another process signed.
      expect((await askAs(askers[0], owner, path, body, "gateway")).status).toBe(403);
    },
  );

  it("victim access tells each subgraph only the facts its rules need", async () => {
    const owner = { role: "ngo", org: `ngo-facts-${randomUUID().slice(0, 8)}` } as const;
    const victim = await register(owner, { nationality: "PH", requiresMedicalEscort: true });
    for (const kind of ["CONSULAR_CONTACT", "REPATRIATION", "SHELTER_SHARING"])
      await consent(owner, victim.id, kind, true);
    const factsFor = async (asker: SubgraphName) => {
      const response = await askAs(asker, "victims", VICTIM_ACCESS_PATH, { ids: [victim.id] });
      return ((await response.json()) as { visible: Array<Record<string, unknown>> }).visible[0];
    };
    expect(await factsFor("shelters")).toEqual({ id: victim.id, actsAsOwner: true, nationality: "PH", consents: [] });
    expect(await factsFor("embassies")).toEqual({
      id: victim.id,
      actsAsOwner: true,
      nationality: "PH",
      consents: ["CONSULAR_CONTACT"],
    });
    expect(await factsFor("repatriation")).toEqual({
      id: victim.id,
      actsAsOwner: true,
      nationality: "PH",
      consents: ["REPATRIATION"],
      ownerOrg: owner.org,
      requiresMedicalEscort: true,
    });
  });
});

describe("the diagnostic totals (a statement counter is a side channel)", () => {
  const totalsUrl = (name: SubgraphName) => new URL(DIAGNOSTIC_COUNTERS_PATH, subgraphUrl(name)).toString();

  it.each(SUBGRAPH_NAMES)("%s answers them to the hub only: an unsigned request gets 403", async (name) => {
    const unsigned = await hubFetch(totalsUrl(name), { method: "POST" }, { unsigned: true });
    expect(unsigned.status).toBe(403);
    expect(JSON.stringify(await unsigned.json())).not.toMatch(/sqlStatements/);
    const signed = await hubFetch(totalsUrl(name), { method: "POST" });
    expect(signed.status).toBe(200);
    expect(await signed.json()).toEqual({ sqlStatements: expect.any(Number), peerQuestions: expect.any(Number) });
  });

  it("the gateway does not answer them", async () => {
    const response = await fetch(new URL(DIAGNOSTIC_COUNTERS_PATH, gatewayUrl()).toString(), { method: "POST" });
    expect(response.status).toBe(404);
  });
});
