/**
 * Attack (found after the performance rebuild, issue #16; older than it): a victim-access grant outlives the
 * write that changed its facts. In one mutation operation the gateway runs the root fields
 * one fetch at a time and hands every grant a victims fetch returned to the later fetches
 * (gateway/subgraph-source.ts). A first victims fetch that names the person seals a grant
 * (consular-contact consent granted); a later victims fetch withdraws the consent but names
 * nobody (recordConsent answers a Consent), so no fresh grant replaces the first; the
 * embassies fetch then trusts the stale grant and asks the embassy against the survivor's
 * withdrawn consent. Without the earlier fetch the same steps are CONSENT_REQUIRED.
 */
import { randomUUID } from "node:crypto";
import type { DevTokenRequest } from "../../platform/auth/tokens";
import {
  GRANT_REQUEST_EXTENSION,
  GRANT_RESPONSE_EXTENSION,
  GRANT_WANTED_HEADER,
} from "../../contracts/victim-access/grant";
import { register, consent } from "../support/cases";
import { asPersona, errorCodes, hubFetch, PERSONAS, subgraphUrl, tokenFor } from "../support/hub";

const OWNER = { role: "ngo", org: "ngo-attack-stale-grant" } as const;

const WITHDRAW_THEN_ASK = `mutation ($v: ID!) {
  b: recordConsent(victimId: $v, consent: { kind: CONSULAR_CONTACT, granted: false }) { kind granted }
  c: requestNationalityVerification(victimId: $v) { id country status }
}`;

// The same, after a victims fetch that names the person (a grant) and a fetch elsewhere that separates the two victims fetches.
const NAME_WITHDRAW_THEN_ASK = `mutation ($v: ID!, $version: Int!) {
  a: updateVictim(id: $v, version: $version, changes: { preferredName: "Renamed (fictional)" }) { id }
  x: dischargeVictim(victimId: $v, reason: OTHER) { id }
  b: recordConsent(victimId: $v, consent: { kind: CONSULAR_CONTACT, granted: false }) { kind granted }
  c: requestNationalityVerification(victimId: $v) { id country status }
}`;

const VERIFICATION = `query ($v: ID!) { victim(id: $v) { consents { kind granted } nationalityVerification { status country } } }`;
type Verification = {
  victim: { consents: Array<{ kind: string; granted: boolean }>; nationalityVerification: { status: string } | null };
};

async function consentingNational() {
  const victim = await register(OWNER, { nationality: "PH" });
  await consent(OWNER, victim.id, "CONSULAR_CONTACT", true);
  return victim;
}

describe("a grant never outlives a later write of the same operation", () => {
  it("control: withdrawing consular-contact consent, then asking the embassy, is CONSENT_REQUIRED", async () => {
    const victim = await consentingNational();
    const answer = await asPersona(OWNER, WITHDRAW_THEN_ASK, { v: victim.id });
    expect(errorCodes(answer)).toEqual(["CONSENT_REQUIRED"]);
    const after = await asPersona<Verification>(PERSONAS.government, VERIFICATION, { v: victim.id });
    expect(after.data!.victim.nationalityVerification).toBeNull();
  });

  it("an earlier victims fetch naming the person does not let the embassy be asked after the consent is withdrawn", async () => {
    const victim = await consentingNational();
    const answer = await asPersona(OWNER, NAME_WITHDRAW_THEN_ASK, { v: victim.id, version: victim.version });
    const after = await asPersona<Verification>(PERSONAS.government, VERIFICATION, { v: victim.id });
    // The withdrawal did happen, before the embassy was asked.
    expect(after.data!.victim.consents).toContainEqual({ kind: "CONSULAR_CONTACT", granted: false });
    // Policy: asking an embassy needs the consent standing at that moment; no request may exist.
    expect(after.data!.victim.nationalityVerification).toBeNull();
    // The separating fetch fails (the person stays in no shelter, CONFLICT); the others run, in order.
    expect(errorCodes(answer)).toContain("CONSENT_REQUIRED");
  });
});

/** Straight at a subgraph, signed as the gateway signs (a stolen subgraph credential can do as much). */
async function signedAt(
  subgraph: "victims" | "embassies",
  persona: DevTokenRequest,
  body: Record<string, unknown>,
  headers: Record<string, string>,
): Promise<{
  data?: Record<string, unknown> | null;
  errors?: Array<{ extensions?: { code?: string } }>;
  extensions?: Record<string, unknown>;
}> {
  const response = await hubFetch(subgraphUrl(subgraph), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${tokenFor(persona)}`, ...headers },
    body: JSON.stringify(body),
  });
  return (await response.json()) as never;
}

describe("a mutation never trusts a grant, whoever carries it", () => {
  it("a grant sealed before a withdrawal, carried by a mutation straight at the embassies subgraph, is ignored", async () => {
    const victim = await consentingNational();
    const requestId = randomUUID();
    const granted = await signedAt(
      "victims",
      OWNER,
      { query: `query ($v: ID!) { victim(id: $v) { id } }`, variables: { v: victim.id } },
      { [GRANT_WANTED_HEADER]: "wanted", "x-request-id": requestId },
    );
    const grant = granted.extensions?.[GRANT_RESPONSE_EXTENSION];
    expect(typeof grant).toBe("string");
    await consent(OWNER, victim.id, "CONSULAR_CONTACT", false);

    const asked = await signedAt(
      "embassies",
      OWNER,
      {
        query: `mutation ($v: ID!) { requestNationalityVerification(victimId: $v) { id } }`,
        variables: { v: victim.id },
        extensions: { [GRANT_REQUEST_EXTENSION]: [grant] },
      },
      { "x-request-id": requestId },
    );
    expect(asked.errors?.map((error) => error.extensions?.code)).toEqual(["CONSENT_REQUIRED"]);
    const after = await asPersona<Verification>(PERSONAS.government, VERIFICATION, { v: victim.id });
    expect(after.data!.victim.nationalityVerification).toBeNull();
  });

  it("the victims subgraph seals no grant for a mutation", async () => {
    const victim = await consentingNational();
    const answer = await signedAt(
      "victims",
      OWNER,
      {
        query: `mutation ($v: ID!, $version: Int!) { updateVictim(id: $v, version: $version, changes: { preferredName: "Renamed (fictional)" }) { id } }`,
        variables: { v: victim.id, version: victim.version },
      },
      { [GRANT_WANTED_HEADER]: "wanted", "x-request-id": randomUUID() },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.extensions?.[GRANT_RESPONSE_EXTENSION]).toBeUndefined();
  });
});
