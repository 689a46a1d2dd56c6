/**
 * Attacks through the referral workflow: what an addressee keeps seeing once its access
 * has ended, and which organisation a shelter's token acts for.
 */
import { consent, refer, register } from "../support/cases";
import { asPersona, asPersonaAt, errorCodes, PERSONAS } from "../support/hub";

const TO_ME = `query ($status: ReferralStatus) { referralsToMe(status: $status) { id status purpose victim { id } } }`;
const RESPOND = `mutation ($id: ID!, $accept: Boolean!) { respondToReferral(id: $id, accept: $accept) { id status purpose } }`;
const REVOKE = `mutation ($id: ID!) { revokeReferral(id: $id) { id status purpose } }`;

type ToMe = {
  referralsToMe: Array<{ id: string; status: string; purpose: string | null; victim: { id: string } | null }>;
};

async function referredToShelter(purpose: string): Promise<{ victimId: string; referralId: string }> {
  const owner = PERSONAS.ngo;
  const victim = await register(owner, { nationality: "KE" });
  await consent(owner, victim.id, "SHELTER_SHARING", true);
  const referral = await refer(owner, victim.id, { toOrg: "shelter-maesot-1", toRole: "SHELTER", purpose });
  expect(referral.errors).toBeUndefined();
  return { victimId: victim.id, referralId: referral.data!.referCase.id };
}

describe("a closed referral's purpose is no longer the addressee's to read", () => {
  it("REVOKED: referralsToMe answers purpose null (via gateway and at the victims subgraph); the owner still reads it", async () => {
    const purpose = `Trauma counselling after forced labour (fictional ${Math.random()})`;
    const { victimId, referralId } = await referredToShelter(purpose);
    const before = await asPersona<ToMe>(PERSONAS.shelter, TO_ME, { status: "PENDING" });
    expect(before.data!.referralsToMe.find((entry) => entry.id === referralId)?.purpose).toBe(purpose);

    expect((await asPersona(PERSONAS.ngo, REVOKE, { id: referralId })).errors).toBeUndefined();
    for (const answer of [
      await asPersona<ToMe>(PERSONAS.shelter, TO_ME, { status: "REVOKED" }),
      await asPersonaAt<ToMe>("victims", PERSONAS.shelter, TO_ME, { status: "REVOKED" }),
    ]) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data!.referralsToMe.find((entry) => entry.id === referralId)).toEqual({
        id: referralId,
        status: "REVOKED",
        purpose: null,
        victim: null,
      });
    }
    const owner = await asPersona<{ victim: { referrals: Array<{ id: string; purpose: string }> } }>(
      PERSONAS.ngo,
      "query ($id: ID!) { victim(id: $id) { referrals { id purpose } } }",
      { id: victimId },
    );
    expect(owner.data!.victim.referrals.find((entry) => entry.id === referralId)?.purpose).toBe(purpose);
  });

  it("DECLINED: the addressee's own answer and later lists carry no purpose", async () => {
    const purpose = `Shelter for a minor (fictional ${Math.random()})`;
    const { referralId } = await referredToShelter(purpose);
    const declined = await asPersona<{ respondToReferral: { status: string; purpose: string | null } }>(
      PERSONAS.shelter,
      RESPOND,
      { id: referralId, accept: false },
    );
    expect(declined.data!.respondToReferral).toEqual({ id: referralId, status: "DECLINED", purpose: null });
    const listed = await asPersona<ToMe>(PERSONAS.shelter, TO_ME, { status: "DECLINED" });
    expect(listed.data!.referralsToMe.find((entry) => entry.id === referralId)?.purpose).toBeNull();
  });

  it("ACCEPTED: the addressee still reads the purpose it works to", async () => {
    const purpose = `Legal aid (fictional ${Math.random()})`;
    const { referralId } = await referredToShelter(purpose);
    const accepted = await asPersona<{ respondToReferral: { status: string; purpose: string | null } }>(
      PERSONAS.shelter,
      RESPOND,
      { id: referralId, accept: true },
    );
    expect(accepted.data!.respondToReferral).toEqual({ id: referralId, status: "ACCEPTED", purpose });
  });
});

describe("shelter staff act for the shelter of their token", () => {
  it("a referral reaches staff through the token's shelter, not its org (or the token is refused outright)", async () => {
    const { victimId, referralId } = await referredToShelter("A bed (fictional)");
    // org and shelter disagree: the shelter fact is `shelter`.
    const mismatched = { role: "shelter", org: "shelter-maesot-2", shelter: "shelter-maesot-1" } as const;
    const listed = await asPersona<ToMe>(mismatched, TO_ME, {});
    if (listed.status === 401 || errorCodes(listed).includes("UNAUTHENTICATED")) return; // the hub refuses such tokens: also safe
    expect(listed.data!.referralsToMe.map((entry) => entry.id)).toContain(referralId);
    const seen = await asPersona<{ victim: { id: string } | null }>(
      mismatched,
      "query ($id: ID!) { victim(id: $id) { id } }",
      { id: victimId },
    );
    expect(seen.data?.victim?.id).toBe(victimId);
    // And the other way round: a token whose org is the addressee but whose shelter is not.
    const other = { role: "shelter", org: "shelter-maesot-1", shelter: "shelter-maesot-2" } as const;
    const notMine = await asPersona<ToMe>(other, TO_ME, {});
    if (notMine.status === 401 || errorCodes(notMine).includes("UNAUTHENTICATED")) return;
    expect(notMine.data!.referralsToMe.map((entry) => entry.id)).not.toContain(referralId);
  });
});
