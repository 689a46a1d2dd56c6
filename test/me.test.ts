/** `me`: the caller as the hub read them from the token, and what the policy opens to them. */
import { asPersona, PERSONAS } from "./support/hub";

interface MeAnswer {
  me: {
    sub: string;
    org: string;
    role: string;
    country: string | null;
    shelter: string | null;
    access: Array<{
      type: string;
      subgraphs: string[];
      records: string;
      fields: Array<{ name: string; condition: string | null }>;
    }>;
  };
}

const ME = "{ me { sub org role country shelter access { type subgraphs records fields { name condition } } } }";

function typeAccess(answer: MeAnswer, type: string) {
  return answer.me.access.find((entry) => entry.type === type);
}

describe("me", () => {
  it("tells an embassy who it is, which victim fields it sees, on which records, and its conditions", async () => {
    const response = await asPersona<MeAnswer>(PERSONAS.embassyPH, ME);
    expect(response.errors).toBeUndefined();
    const answer = response.data!;
    expect(answer.me).toMatchObject({ org: "embassy-PH", role: "embassy", country: "PH", shelter: null });
    const victim = typeAccess(answer, "Victim")!;
    expect(victim.records).toBe("victims of its country's nationality who consented to consular contact");
    expect(victim.subgraphs).toEqual(["victims", "shelters", "embassies", "repatriation"]);
    const names = victim.fields.map((field) => field.name);
    expect(names).toEqual(
      expect.arrayContaining(["caseNumber", "legalName", "familyContact", "travelDocuments", "repatriation"]),
    );
    expect(names).not.toContain("nrmStatus");
    expect(names).not.toContain("testimony");
    expect(names).not.toContain("medicalNeeds");
    expect(typeAccess(answer, "TravelDocument")!.fields).toContainEqual({
      name: "number",
      condition: "issuing embassy only",
    });
    expect(typeAccess(answer, "Consent")).toBeUndefined();
  });

  it("shows the NGO's case-owner condition on testimony", async () => {
    const answer = (await asPersona<MeAnswer>(PERSONAS.ngo, ME)).data!;
    expect(answer.me).toMatchObject({ org: "ngo-lighthouse", role: "ngo", country: null });
    expect(typeAccess(answer, "Victim")!.fields).toContainEqual({ name: "testimony", condition: "case owner only" });
  });

  it("tells shelter staff their shelter", async () => {
    const answer = (await asPersona<MeAnswer>(PERSONAS.shelter, ME)).data!;
    expect(answer.me).toMatchObject({ role: "shelter", shelter: "shelter-maesot-1" });
    expect(typeAccess(answer, "Victim")!.records).toBe(
      "cases referred to its shelter (referral pending or accepted) while the person consents to sharing with a shelter",
    );
  });

  it("tells the auditor it sees no victim data at all", async () => {
    const answer = (await asPersona<MeAnswer>(PERSONAS.auditor, ME)).data!;
    expect(answer.me.role).toBe("auditor");
    expect(answer.me.access.map((entry) => entry.type)).not.toContain("Victim");
    expect(answer.me.access.map((entry) => entry.type)).toEqual(expect.arrayContaining(["Shelter", "Embassy", "Me"]));
  });
});
