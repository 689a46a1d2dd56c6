/**
 * Attack: an insider of one subgraph. The subgraphs are run by different partners, so
 * whoever holds one subgraph's deployment secrets — here the shelters subgraph's: its own
 * request-signing key and the service secret all subgraphs share — tries to act as the
 * gateway or as another subgraph. When every hub process signed with one shared secret it
 * could sign as `signer=gateway`, ask the victims subgraph for a grant bound to a request
 * id of its choosing, and replay that grant to the embassies subgraph after the consent it
 * encodes was withdrawn; and with the service secret it could seal a grant of its own.
 * Now each process signs with its own Ed25519 key (platform/auth/request-signature.ts) and
 * every grant carries the victims subgraph's own signature (platform/auth/sealed-payload.ts):
 * the shelters key signs as shelters, nothing else.
 */
import { randomUUID, type KeyObject } from "node:crypto";
import { ensureDevRequestSigningKey } from "../../platform/auth/keys";
import { createRequestSigner } from "../../platform/auth/request-signature";
import { loadServiceSecret } from "../../platform/auth/service-credentials";
import type { DevTokenRequest } from "../../platform/auth/tokens";
import {
  createVictimAccessGrants,
  decodeGrant,
  encodeGrant,
  GRANT_REQUEST_EXTENSION,
  GRANT_RESPONSE_EXTENSION,
  GRANT_WANTED_HEADER,
} from "../../contracts/victim-access/grant";
import { createSealedPayloads } from "../../platform/auth/sealed-payload";
import type { VictimAccess } from "../../contracts/victim-access/route";
import { SUBGRAPH_NAMES } from "../../subgraphs/index";
import { consent, register } from "../support/cases";
import { asPersona, PERSONAS, subgraphUrl, testAuthConfig, tokenFor } from "../support/hub";

const keyDir = () => testAuthConfig().devKeyDir;
/** What the insider holds: the shelters subgraph's own key and the service secret. */
const sheltersKey = (): KeyObject => ensureDevRequestSigningKey(keyDir(), "shelters");
const serviceSecret = () => loadServiceSecret({ devKeyDir: keyDir() });

const OWNER = { role: "ngo", org: "ngo-attack-insider" } as const;
const EMBASSY = PERSONAS.embassyPH;
const NAMED = `query ($v: ID!) { victim(id: $v) { id } }`;
const VERIFICATION_AT_EMBASSIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Victim { nationalityVerification { status } } } }`;

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  extensions?: Record<string, unknown>;
  questions: number;
}

/** A POST straight at a subgraph, signed as `claimed` with `key` (whoever's key it is). */
async function signedPost(
  subgraph: string,
  claimed: string,
  key: KeyObject,
  persona: DevTokenRequest,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const url = subgraphUrl(subgraph as (typeof SUBGRAPH_NAMES)[number]);
  const text = JSON.stringify(body);
  const signed = createRequestSigner(claimed, key).signed("POST", url, text, {
    "content-type": "application/json",
    authorization: `Bearer ${tokenFor(persona)}`,
    ...headers,
  });
  const response = await fetch(url, { method: "POST", headers: signed, body: text });
  const json = (await response.json()) as Omit<Answer, "status" | "questions">;
  return { ...json, status: response.status, questions: Number(response.headers.get("x-peer-questions")) };
}

function expectRefused(answer: Answer): void {
  expect({ status: answer.status, data: answer.data, errors: answer.errors }).toEqual({
    status: 403,
    data: undefined,
    errors: [
      { message: "This service answers the hub only", extensions: expect.objectContaining({ code: "FORBIDDEN" }) },
    ],
  });
}

/** A Filipino with consular-contact consent and a nationality verification the embassy may see while it stands. */
async function verifiedNational(): Promise<string> {
  const victim = await register(OWNER, { nationality: "PH" });
  await consent(OWNER, victim.id, "CONSULAR_CONTACT", true);
  const requested = await asPersona(
    OWNER,
    `mutation ($v: ID!) { requestNationalityVerification(victimId: $v) { id } }`,
    { v: victim.id },
  );
  expect(requested.errors).toBeUndefined();
  return victim.id;
}

/** What the embassies subgraph tells the embassy of the person, for this request id, carrying `grants` (if any). */
function askEmbassies(victimId: string, requestId: string, grants?: unknown[]) {
  return signedPost(
    "embassies",
    "shelters",
    sheltersKey(),
    EMBASSY,
    {
      query: VERIFICATION_AT_EMBASSIES,
      variables: { r: [{ __typename: "Victim", id: victimId }] },
      ...(grants ? { extensions: { [GRANT_REQUEST_EXTENSION]: grants } } : {}),
    },
    { "x-request-id": requestId },
  );
}

const verificationOf = (answer: Answer) =>
  (answer.data?._entities as Array<{ nationalityVerification: unknown } | null> | undefined)?.[0]
    ?.nationalityVerification ?? null;

describe("a subgraph's key signs as that subgraph only", () => {
  it("control: the shelters key signing as shelters is accepted", async () => {
    const answer = await signedPost("victims", "shelters", sheltersKey(), EMBASSY, { query: "{ __typename }" });
    expect(answer.status).toBe(200);
  });

  it.each(SUBGRAPH_NAMES)("%s: a request signed as the gateway with the shelters key is refused, 403", async (name) => {
    expectRefused(await signedPost(name, "gateway", sheltersKey(), EMBASSY, { query: "{ __typename }" }));
  });

  it.each(SUBGRAPH_NAMES.filter((name) => name !== "victims"))(
    "%s: a request signed as the victims subgraph with the shelters key is refused, 403",
    async (name) => {
      expectRefused(await signedPost(name, "victims", sheltersKey(), EMBASSY, { query: "{ __typename }" }));
    },
  );

  it("a request signed with the shelters key as a process nobody configured is refused alike", async () => {
    expectRefused(await signedPost("embassies", "intruder", sheltersKey(), EMBASSY, { query: "{ __typename }" }));
  });
});

describe("the insider cannot replay a grant past a withdrawn consent", () => {
  it("signed as the gateway, asked for a grant with a chosen request id, then replayed to the embassies after the withdrawal: nothing, as the control", async () => {
    const victimId = await verifiedNational();
    const requestId = `insider-${randomUUID()}`;
    // While consent stands the embassy may see the verification (what the replay would try to keep seeing).
    expect(verificationOf(await askEmbassies(victimId, randomUUID()))).toEqual({ status: expect.any(String) });

    // Asking for a grant as the gateway, with the shelters key: refused before GraphQL runs, so no grant.
    const asGateway = await signedPost(
      "victims",
      "gateway",
      sheltersKey(),
      EMBASSY,
      { query: NAMED, variables: { v: victimId } },
      { [GRANT_WANTED_HEADER]: "wanted", "x-request-id": requestId },
    );
    expectRefused(asGateway);
    // As itself, it is answered, but the victims subgraph seals grants only for the gateway's fetches.
    const asItself = await signedPost(
      "victims",
      "shelters",
      sheltersKey(),
      EMBASSY,
      { query: NAMED, variables: { v: victimId } },
      { [GRANT_WANTED_HEADER]: "wanted", "x-request-id": requestId },
    );
    expect(asItself.status).toBe(200);
    const grants = [asGateway, asItself]
      .map((answer) => answer.extensions?.[GRANT_RESPONSE_EXTENSION])
      .filter((grant) => grant !== undefined);
    expect(grants).toEqual([]);

    // The best it can carry instead: a grant of its own for this caller and request, sealed with the service secret
    // and signed with its own key, saying the consent stands.
    const forged = createVictimAccessGrants(serviceSecret(), {
      privateKey: sheltersKey(),
      publicKey: undefined,
    }).seal(`Bearer ${tokenFor(EMBASSY)}`, requestId, [
      { id: victimId, actsAsOwner: false, nationality: "PH", consents: ["CONSULAR_CONTACT"], ownerOrg: OWNER.org },
    ]);

    await consent(OWNER, victimId, "CONSULAR_CONTACT", false);
    const control = await askEmbassies(victimId, randomUUID());
    const replayed = await askEmbassies(victimId, requestId, [...grants, forged]);
    expect(verificationOf(control)).toBeNull();
    expect({ data: replayed.data, errors: replayed.errors }).toEqual({ data: control.data, errors: control.errors });
    // The embassies subgraph asked the victims subgraph, as without a grant.
    expect(replayed.questions).toBe(control.questions);
    // Signed as the gateway with the shelters key, the replay is refused outright.
    expectRefused(
      await signedPost(
        "embassies",
        "gateway",
        sheltersKey(),
        EMBASSY,
        {
          query: VERIFICATION_AT_EMBASSIES,
          variables: { r: [{ __typename: "Victim", id: victimId }] },
          extensions: { [GRANT_REQUEST_EXTENSION]: [forged] },
        },
        { "x-request-id": requestId },
      ),
    );
  });

  it("control of the attack: with the gateway's own key (which only the gateway holds) the same steps do reveal the verification, so the test above can fail", async () => {
    const victimId = await verifiedNational();
    const requestId = `gateway-${randomUUID()}`;
    const gatewayKey = ensureDevRequestSigningKey(keyDir(), "gateway");
    const granted = await signedPost(
      "victims",
      "gateway",
      gatewayKey,
      EMBASSY,
      { query: NAMED, variables: { v: victimId } },
      { [GRANT_WANTED_HEADER]: "wanted", "x-request-id": requestId },
    );
    const grant = granted.extensions?.[GRANT_RESPONSE_EXTENSION];
    expect(typeof grant).toBe("string");
    await consent(OWNER, victimId, "CONSULAR_CONTACT", false);
    const replayed = await askEmbassies(victimId, requestId, [grant]);
    expect(verificationOf(replayed)).toEqual({ status: expect.any(String) });
  });
});

describe("a grant opens only with the victims subgraph's signature", () => {
  /** A Filipino who withdrew consular-contact consent; a grant claiming it stands would show the verification. */
  let withdrawn: string;
  const claim = (id: string): VictimAccess => ({
    id,
    actsAsOwner: false,
    nationality: "PH",
    consents: ["CONSULAR_CONTACT"],
    ownerOrg: OWNER.org,
    requiresMedicalEscort: false,
  });

  beforeAll(async () => {
    withdrawn = await verifiedNational();
    await consent(OWNER, withdrawn, "CONSULAR_CONTACT", false);
  });

  const sealedBy = {
    "the shelters key": (requestId: string, id: string) =>
      createVictimAccessGrants(serviceSecret(), { privateKey: sheltersKey(), publicKey: undefined }).seal(
        `Bearer ${tokenFor(EMBASSY)}`,
        requestId,
        [claim(id)],
      ),
    // The signed layout with its signature left blank: sealed with the service secret, no key signed it.
    "nobody (a blank signature)": (requestId: string, id: string) =>
      createSealedPayloads(serviceSecret(), {
        purpose: "survivor-hub victim-access grant",
        version: "g3",
        lifetimeMs: 10_000,
        maxLength: 64 * 1024,
        encode: (people: VictimAccess[]) => Buffer.concat([Buffer.alloc(64), encodeGrant(people)]),
        decode: decodeGrant,
      }).seal(`Bearer ${tokenFor(EMBASSY)}`, requestId, [claim(id)]),
  };

  it("control: a grant the victims subgraph's key signed is used (no question asked)", async () => {
    const requestId = randomUUID();
    const victimsKey = ensureDevRequestSigningKey(keyDir(), "victims");
    const genuine = createVictimAccessGrants(serviceSecret(), { privateKey: victimsKey, publicKey: undefined }).seal(
      `Bearer ${tokenFor(EMBASSY)}`,
      requestId,
      [claim(withdrawn)],
    );
    const answer = await askEmbassies(withdrawn, requestId, [genuine]);
    expect(answer.questions).toBe(0);
    expect(verificationOf(answer)).not.toBeNull();
  });

  it.each(Object.keys(sealedBy) as Array<keyof typeof sealedBy>)(
    "a grant sealed with the service secret and signed by %s is ignored: the embassy sees what it would without",
    async (by) => {
      const requestId = randomUUID();
      const control = await askEmbassies(withdrawn, randomUUID());
      const forged = await askEmbassies(withdrawn, requestId, [sealedBy[by](requestId, withdrawn)]);
      expect(verificationOf(control)).toBeNull();
      expect({ data: forged.data, errors: forged.errors, questions: forged.questions }).toEqual({
        data: control.data,
        errors: control.errors,
        questions: 1,
      });
    },
  );
});
