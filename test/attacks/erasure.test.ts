/**
 * Attacks on erasure (docs/data-lifecycle.md, docs/security.md): a partner that may not
 * erase, through the gateway and straight at the victims subgraph; a case the caller may
 * not see answers exactly like a missing one; a legal hold is no oracle — for a caller
 * that may not see the case, or sees it but may not erase it, the answer is the same with
 * and without a hold; an erasure order forged, replayed or altered straight at a subgraph.
 */
import { randomUUID } from "node:crypto";
import { ERASURE_ORDER } from "../../contracts/erasure-order";
import { ensureDevRequestSigningKey } from "../../platform/auth/keys";
import { createRequestSigner } from "../../platform/auth/request-signature";
import {
  createServiceCredentials,
  loadServiceSecret,
  SERVICE_CREDENTIAL_HEADER,
} from "../../platform/auth/service-credentials";
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { consent, register, refer } from "../support/cases";
import { REQUEST_ERASURE } from "../support/erasure";
import {
  asPersona,
  asPersonaAt,
  errorCodes,
  PERSONAS,
  subgraphUrl,
  testAuthConfig,
  type GraphQLResponse,
} from "../support/hub";

const owner = { role: "ngo", org: `ngo-erasure-attack-${process.pid}` } as const;
const referredNgo = { role: "ngo", org: `ngo-erasure-referred-${process.pid}` } as const;
const { government } = PERSONAS;
const PLACE_HOLD = `mutation ($victimId: ID!, $reason: String!) { placeLegalHold(victimId: $victimId, reason: $reason) { id } }`;
const LIFT_HOLD = `mutation ($victimId: ID!, $reason: String!) { liftLegalHold(victimId: $victimId, reason: $reason) { id } }`;
const REASON = "The survivor asked for erasure";

/** An answer without what differs per request anyway (its request id). */
function comparable(response: GraphQLResponse): unknown {
  return {
    status: response.status,
    data: response.data,
    errors: response.errors?.map(({ message, extensions, path }) => ({ message, code: extensions?.code, path })),
  };
}

async function isErased(victimId: string): Promise<boolean> {
  const response = await asPersona<{ victim: { erasedAt: string | null; legalName: string | null } }>(
    government,
    `query ($id: ID!) { victim(id: $id) { erasedAt legalName } }`,
    { id: victimId },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.victim.erasedAt !== null;
}

describe("who may not erase", () => {
  const refusedRoles: Array<[string, DevTokenRequest]> = [
    ["shelter", PERSONAS.shelter],
    ["embassy", PERSONAS.embassyPH],
    ["repatriation", PERSONAS.repatriation],
    ["auditor", PERSONAS.auditor],
  ];

  it.each(refusedRoles)(
    "%s: refused by role at the gateway and at the victims subgraph; nothing erased",
    async (_role, persona) => {
      const victim = await register(owner, { nationality: "PH" });
      await consent(owner, victim.id, "CONSULAR_CONTACT", true);
      await consent(owner, victim.id, "REPATRIATION", true);
      const atGateway = await asPersona(persona, REQUEST_ERASURE, { victimId: victim.id, reason: REASON });
      expect(errorCodes(atGateway)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
      const atSubgraph = await asPersonaAt("victims", persona, REQUEST_ERASURE, {
        victimId: victim.id,
        reason: REASON,
      });
      expect(atSubgraph.data?.requestErasure ?? null).toBeNull();
      expect(errorCodes(atSubgraph).length).toBeGreaterThan(0);
      for (const mutation of [PLACE_HOLD, LIFT_HOLD])
        expect(errorCodes(await asPersona(persona, mutation, { victimId: victim.id, reason: REASON }))).toEqual([
          "UNAUTHORIZED_FIELD_OR_TYPE",
        ]);
      expect(await isErased(victim.id)).toBe(false);
    },
  );

  it("an NGO may not place or lift a hold, even on its own case", async () => {
    const victim = await register(owner);
    expect(errorCodes(await asPersona(owner, PLACE_HOLD, { victimId: victim.id, reason: REASON }))).toEqual([
      "UNAUTHORIZED_FIELD_OR_TYPE",
    ]);
    expect(
      errorCodes(await asPersonaAt("victims", owner, PLACE_HOLD, { victimId: victim.id, reason: REASON })),
    ).not.toEqual([]);
  });
});

describe("no existence oracle, and a hold is none", () => {
  it("another NGO: the same NOT_FOUND for a missing case, a case it may not see, and that case under a hold", async () => {
    const victim = await register(owner);
    const stranger = PERSONAS.otherNgo;
    const missing = comparable(await asPersona(stranger, REQUEST_ERASURE, { victimId: randomUUID(), reason: REASON }));
    const hidden = comparable(await asPersona(stranger, REQUEST_ERASURE, { victimId: victim.id, reason: REASON }));
    expect(
      await asPersona(government, PLACE_HOLD, { victimId: victim.id, reason: "Proceedings 2026/7" }),
    ).toMatchObject({
      status: 200,
    });
    const hiddenHeld = comparable(await asPersona(stranger, REQUEST_ERASURE, { victimId: victim.id, reason: REASON }));
    expect(hidden).toEqual(missing);
    expect(hiddenHeld).toEqual(missing);
    expect((missing as { errors: Array<{ code: string }> }).errors.map((error) => error.code)).toEqual(["NOT_FOUND"]);
    // Straight at the victims subgraph too.
    const missingDirect = comparable(
      await asPersonaAt("victims", stranger, REQUEST_ERASURE, { victimId: randomUUID(), reason: REASON }),
    );
    const heldDirect = comparable(
      await asPersonaAt("victims", stranger, REQUEST_ERASURE, { victimId: victim.id, reason: REASON }),
    );
    expect(heldDirect).toEqual(missingDirect);
    expect(await isErased(victim.id)).toBe(false);
  });

  it("an NGO the case is referred to sees it but may not erase it: FORBIDDEN with and without a hold", async () => {
    const victim = await register(owner);
    const referred = await refer(owner, victim.id, { toOrg: referredNgo.org, toRole: "NGO", purpose: "Legal aid" });
    expect(referred.errors).toBeUndefined();
    const unheld = comparable(await asPersona(referredNgo, REQUEST_ERASURE, { victimId: victim.id, reason: REASON }));
    await asPersona(government, PLACE_HOLD, { victimId: victim.id, reason: "Proceedings 2026/8" });
    const held = comparable(await asPersona(referredNgo, REQUEST_ERASURE, { victimId: victim.id, reason: REASON }));
    expect(held).toEqual(unheld);
    expect((unheld as { errors: Array<{ code: string }> }).errors.map((error) => error.code)).toEqual(["FORBIDDEN"]);
    // It may not read whether a hold stands either.
    const read = await asPersona(referredNgo, `query ($id: ID!) { victim(id: $id) { id legalHold { id } } }`, {
      id: victim.id,
    });
    expect(read.data).toEqual({ victim: { id: victim.id, legalHold: null } });
    expect(errorCodes(read)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
    expect(await isErased(victim.id)).toBe(false);
  });
});

describe("an erasure order straight at a subgraph", () => {
  const keyDir = () => testAuthConfig().devKeyDir;
  const url = (subgraph: "shelters" | "embassies") => new URL(ERASURE_ORDER.path, subgraphUrl(subgraph)).toString();
  const orderFor = (victimId: string) => ({
    erasureId: randomUUID(),
    victimId,
    actor: { sub: "attacker", org: "ngo-harbour", role: "ngo" },
  });

  /** Headers of an order signed by `signer`'s own key, with a service credential naming `credentialOf`. */
  function signedOrder(
    target: string,
    body: string,
    signer: string,
    credentialOf: string,
    extra: Record<string, string> = {},
  ) {
    const credential = createServiceCredentials(credentialOf, loadServiceSecret({ devKeyDir: keyDir() })).current();
    return createRequestSigner(signer, ensureDevRequestSigningKey(keyDir(), signer)).signed("POST", target, body, {
      "content-type": "application/json",
      [SERVICE_CREDENTIAL_HEADER]: credential,
      "x-request-id": randomUUID(),
      ...extra,
    });
  }

  async function post(target: string, headers: Record<string, string>, body: string) {
    const response = await fetch(target, { method: "POST", headers, body });
    return { status: response.status, body: (await response.json()) as { confirmed?: boolean; errors?: unknown } };
  }

  it("a client's token, unsigned or signed by the gateway or another subgraph: 403, and nothing is erased", async () => {
    const victim = await register(owner);
    const body = JSON.stringify(orderFor(victim.id));
    const target = url("shelters");
    const unsigned = await post(target, { "content-type": "application/json", authorization: `Bearer x` }, body);
    expect(unsigned.status).toBe(403);
    // The gateway's key with a credential naming victims: the signer must be the credential's subgraph.
    expect((await post(target, signedOrder(target, body, "gateway", "victims"), body)).status).toBe(403);
    // Another subgraph's own key and credential: not among the order's askers.
    expect(
      (await post(url("embassies"), signedOrder(url("embassies"), body, "shelters", "shelters"), body)).status,
    ).toBe(403);
    // The victims subgraph's key but another subgraph's credential.
    expect((await post(target, signedOrder(target, body, "victims", "repatriation"), body)).status).toBe(403);
    // A government token does not make an order of a client's request.
    const withToken = await post(
      target,
      signedOrder(target, body, "gateway", "gateway", { authorization: `Bearer ${"a".repeat(20)}` }),
      body,
    );
    expect(withToken.status).toBe(403);
    const trail = await asPersona<{ auditTrail: { edges: Array<{ node: { subgraph: string; action: string } }> } }>(
      government,
      `query ($victimId: ID!) { auditTrail(filter: { victimId: $victimId }, first: 100) { edges { node { subgraph action } } } }`,
      { victimId: victim.id },
    );
    expect(trail.errors).toBeUndefined();
    expect(trail.data!.auditTrail.edges.filter(({ node }) => node.action === "eraseSubject")).toEqual([]);
  });

  it("a signed order is good once: replayed or altered under its signature it is refused", async () => {
    const victimId = randomUUID();
    const target = url("shelters");
    const body = JSON.stringify(orderFor(victimId));
    const headers = signedOrder(target, body, "victims", "victims");
    const first = await post(target, headers, body);
    expect(first).toEqual({ status: 200, body: { confirmed: true } });
    const replayed = await post(target, headers, body);
    expect(replayed.status).toBe(403);
    const altered = JSON.stringify(orderFor(randomUUID()));
    expect((await post(target, headers, altered)).status).toBe(403);
    // A malformed order from the right sender is refused before anything runs.
    const malformed = JSON.stringify({ victimId: "not-an-id" });
    expect((await post(target, signedOrder(target, malformed, "victims", "victims"), malformed)).status).toBe(400);
  });
});
