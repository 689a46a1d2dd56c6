/**
 * Attacks on the retention orders the victims subgraph answers (contracts/legal-holds.ts,
 * contracts/closed-journeys.ts; docs/security.md): straight at the victims subgraph, each is
 * refused to a client's token without a signature, to the gateway, and to a subgraph that is
 * not among its askers; a signed order is good once (replayed or altered, refused). Asked by
 * its askers, the hold answer names only held ids among those asked, and the closed-journeys
 * order erases nothing of a person under hold.
 */
import { randomUUID } from "node:crypto";
import { CLOSED_JOURNEYS } from "../../contracts/closed-journeys";
import { LEGAL_HOLDS } from "../../contracts/legal-holds";
import { ensureDevRequestSigningKey } from "../../platform/auth/keys";
import { createRequestSigner } from "../../platform/auth/request-signature";
import {
  createServiceCredentials,
  loadServiceSecret,
  SERVICE_CREDENTIAL_HEADER,
} from "../../platform/auth/service-credentials";
import { register } from "../support/cases";
import { asPersona, PERSONAS, subgraphUrl, testAuthConfig, tokenFor } from "../support/hub";

const owner = { role: "ngo", org: `ngo-retention-orders-${process.pid}` } as const;
const { government } = PERSONAS;
const PLACE_HOLD = `mutation ($victimId: ID!, $reason: String!) { placeLegalHold(victimId: $victimId, reason: $reason) { id } }`;
const ERASURE = `query ($id: ID!) { victim(id: $id) { id erasure { status } } }`;

const keyDir = () => testAuthConfig().devKeyDir;
const target = (path: string) => new URL(path, subgraphUrl("victims")).toString();

/** Headers signed by `signer`'s own key, with a service credential naming `credentialOf`. */
function signed(url: string, body: string, signer: string, credentialOf: string, extra: Record<string, string> = {}) {
  const credential = createServiceCredentials(credentialOf, loadServiceSecret({ devKeyDir: keyDir() })).current();
  return createRequestSigner(signer, ensureDevRequestSigningKey(keyDir(), signer)).signed("POST", url, body, {
    "content-type": "application/json",
    [SERVICE_CREDENTIAL_HEADER]: credential,
    "x-request-id": randomUUID(),
    ...extra,
  });
}

async function post(url: string, headers: Record<string, string>, body: string) {
  const response = await fetch(url, { method: "POST", headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const closedJourneys = (victimIds: string[]) =>
  JSON.stringify({ kind: "closed_repatriation", days: 365, cutoff: new Date().toISOString(), victimIds });

describe.each([
  { route: LEGAL_HOLDS, asker: "shelters", outsider: "victims", body: () => JSON.stringify({ ids: [randomUUID()] }) },
  { route: CLOSED_JOURNEYS, asker: "repatriation", outsider: "shelters", body: () => closedJourneys([randomUUID()]) },
])("$route.path straight at the victims subgraph", ({ route, asker, outsider, body }) => {
  it("refuses a client's token without a signature, the gateway, and a subgraph not among its askers", async () => {
    const url = target(route.path);
    const text = body();
    const token = tokenFor(government);
    // A government token, unsigned: a client is no hub process.
    expect(
      (await post(url, { "content-type": "application/json", authorization: `Bearer ${token}` }, text)).status,
    ).toBe(403);
    // The gateway's own key and credential, with a caller's token: the gateway is no asker.
    expect(
      (await post(url, signed(url, text, "gateway", "gateway", { authorization: `Bearer ${token}` }), text)).status,
    ).toBe(403);
    // The gateway's key with an asker's credential: the signer must be the credential's subgraph.
    expect((await post(url, signed(url, text, "gateway", asker), text)).status).toBe(403);
    // Another subgraph, with its own key and credential.
    expect((await post(url, signed(url, text, outsider, outsider), text)).status).toBe(403);
  });

  it("answers its asker once: replayed or altered under its signature, refused", async () => {
    const url = target(route.path);
    const text = body();
    const headers = signed(url, text, asker, asker);
    expect((await post(url, headers, text)).status).toBe(200);
    expect((await post(url, headers, text)).status).toBe(403);
    expect((await post(url, headers, body())).status).toBe(403);
    const malformed = JSON.stringify({ ids: "x", victimIds: "x" });
    expect((await post(url, signed(url, malformed, asker, asker), malformed)).status).toBe(400);
  });
});

describe("what the askers learn and cause", () => {
  it("the hold answer names only the held among the asked; a closed journey of a held person erases nothing", async () => {
    const heldVictim = await register(owner);
    const free = await register(owner);
    const placed = await asPersona(government, PLACE_HOLD, { victimId: heldVictim.id, reason: "evidence" });
    expect(placed.errors).toBeUndefined();
    const holdsUrl = target(LEGAL_HOLDS.path);
    const question = JSON.stringify({ ids: [heldVictim.id, free.id, randomUUID()] });
    const holds = await post(holdsUrl, signed(holdsUrl, question, "embassies", "embassies"), question);
    expect(holds).toEqual({ status: 200, body: { held: [heldVictim.id] } });

    const closedUrl = target(CLOSED_JOURNEYS.path);
    // A cutoff in the future would erase journeys whose period is not over: refused.
    const future = JSON.stringify({
      kind: "closed_repatriation",
      days: 365,
      cutoff: new Date(Date.now() + 86_400_000).toISOString(),
      victimIds: [free.id],
    });
    expect((await post(closedUrl, signed(closedUrl, future, "repatriation", "repatriation"), future)).status).toBe(400);
    const order = closedJourneys([heldVictim.id]);
    const answer = await post(closedUrl, signed(closedUrl, order, "repatriation", "repatriation"), order);
    expect(answer).toEqual({ status: 200, body: { taken: [], held: [heldVictim.id] } });
    const read = await asPersona<{ victim: { id: string; erasure: unknown } }>(government, ERASURE, {
      id: heldVictim.id,
    });
    expect(read.errors).toBeUndefined();
    expect(read.data!.victim.erasure).toBeNull();
  });
});
