/**
 * The policy's conditions and audit subjects, as data (no hub needed): every condition has
 * words and a check and is defined once; every type about a person names its subject; and
 * no resolver writes a policy condition's refusal by hand.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ROLES, type Role } from "../../platform/auth/claims";
import type { AnyCondition } from "../../platform/policy/types";
import { HUB_POLICIES } from "../../subgraphs/modules";

const ROOT_TYPES = new Set(["Query", "Mutation"]);

function conditionsInPolicies(): Array<{ at: string; role: string; condition: AnyCondition }> {
  return HUB_POLICIES.flatMap(({ subgraph, policy }) =>
    Object.entries(policy).flatMap(([typeName, typePolicy]) =>
      Object.entries(typePolicy.fields).flatMap(([fieldName, rule]) =>
        Object.entries(rule.conditions ?? {}).map(([role, condition]) => ({
          at: `${subgraph}: ${typeName}.${fieldName}`,
          role,
          condition: condition!,
        })),
      ),
    ),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("conditions", () => {
  const found = conditionsInPolicies();

  it("the policy names conditions, and each has a name, words, the type it reads, a refusal and a check", () => {
    expect(found.length).toBeGreaterThan(10);
    for (const { at, role, condition } of found) {
      expect({ at, role, name: typeof condition.name, words: typeof condition.words }).toEqual({
        at,
        role,
        name: "string",
        words: "string",
      });
      expect(condition.words.length).toBeGreaterThan(0);
      expect(condition.looksAt).toMatch(/^[A-Z]\w+$/);
      expect(["unauthorized", "nothing"]).toContain(condition.onField);
      expect(typeof condition.check).toBe("function");
      expect(ROLES).toContain(role);
    }
  });

  it("a condition is defined once: one name, one condition", () => {
    const byName = new Map<string, AnyCondition>();
    for (const { condition } of found) {
      const known = byName.get(condition.name);
      if (known) expect(known).toBe(condition);
      else byName.set(condition.name, condition);
    }
  });

  it("on an object field the platform runs the condition on the parent; the few that read another record are listed", () => {
    const elsewhere = found
      .filter(({ at }) => !ROOT_TYPES.has(at.split(": ")[1].split(".")[0]))
      .filter(({ at, condition }) => at.split(": ")[1].split(".")[0] !== condition.looksAt)
      .map(({ at, role, condition }) => `${at} (${role}) reads ${condition.looksAt}`)
      .sort();
    expect(elsewhere).toEqual([
      // The person's part of a case, while the agency may see the person (one batched question); the resolvers apply it.
      "repatriation: RepatriationCase.escortNeeds (ngo) reads Victim",
      "repatriation: RepatriationCase.escortNeeds (repatriation) reads Victim",
      "repatriation: RepatriationCase.journeyLegs (repatriation) reads Victim",
      "repatriation: RepatriationCase.receivingOrgId (repatriation) reads Victim",
      "repatriation: RepatriationCase.receivingOrganisation (repatriation) reads Victim",
      // Each item of the list: a person's case, which the victims subgraph answers; the resolver narrows with enforce.holds.
      "shelters: Shelter.residents (ngo) reads Victim",
      // The field's value (a placement): the platform checks it after the resolver.
      "shelters: Victim.currentPlacement (shelter) reads Placement",
      // Each id of an entry, against the Victim record rule in one statement a page; the resolver narrows with enforce.holds.
      "victims: AuditEntry.victimIds (ngo) reads Victim",
    ]);
  });

  it("the checks decide as the rules say", () => {
    const rule = (type: string, field: string, role: Role): AnyCondition =>
      HUB_POLICIES.map(({ policy }) => policy[type]?.fields[field]?.conditions?.[role]).find(Boolean)!;
    const ngo = { sub: "u", org: "ngo-a", role: "ngo" as const };
    expect(rule("Victim", "testimony", "ngo").check(ngo, { ownerOrg: "ngo-a" })).toBe(true);
    expect(rule("Victim", "testimony", "ngo").check(ngo, { ownerOrg: "ngo-b" })).toBe(false);
    expect(rule("Mutation", "requestRepatriation", "ngo").check(ngo, { actsAsOwner: false })).toBe(false);
    const staff = { sub: "u", org: "shelter-1", role: "shelter" as const, shelter: "shelter-1" };
    expect(rule("Mutation", "updateShelter", "shelter").check(staff, { id: "shelter-1" })).toBe(true);
    expect(rule("Mutation", "updateShelter", "shelter").check(staff, { id: "shelter-2" })).toBe(false);
    const embassy = { sub: "u", org: "embassy-PH", role: "embassy" as const, country: "PH" };
    expect(rule("TravelDocument", "number", "embassy").check(embassy, { issuingCountry: "KE" })).toBe(false);
  });
});

describe("audit subjects", () => {
  // Every type whose records are about one person (they carry the person's id).
  const ABOUT_A_PERSON: Record<string, string> = {
    Victim: "id",
    Consent: "victimId",
    Referral: "victimId",
    Placement: "victimId",
    NationalityVerification: "victimId",
    TravelDocument: "victimId",
    RepatriationCase: "victimId",
  };

  it("every type about a person names where its subject is, in every subgraph that declares it", () => {
    for (const { subgraph, policy } of HUB_POLICIES) {
      for (const [typeName, subject] of Object.entries(ABOUT_A_PERSON)) {
        if (policy[typeName])
          expect({ subgraph, typeName, subject: policy[typeName].subject }).toEqual({
            subgraph,
            typeName,
            subject,
          });
      }
    }
  });

  it("fields declared not personal are fields of their type, and only types with a subject declare them", () => {
    for (const { policy } of HUB_POLICIES) {
      for (const [typeName, typePolicy] of Object.entries(policy)) {
        if (!typePolicy.notPersonal) continue;
        expect({ typeName, subject: Boolean(typePolicy.subject) }).toEqual({ typeName, subject: true });
        for (const field of typePolicy.notPersonal) expect(Object.keys(typePolicy.fields)).toContain(field);
      }
    }
    const victim = HUB_POLICIES.find(({ subgraph }) => subgraph === "victims")!.policy.Victim;
    expect([...victim.notPersonal!].sort()).toEqual(["ageBracket", "caseNumber", "gender", "nationality", "version"]);
  });

  it("platform/audit/ knows no type or field of any subgraph", () => {
    for (const file of sourceFiles(join(__dirname, "../../platform/audit"))) {
      const code = readFileSync(file, "utf8")
        // The audit table's stored names (a column, a JSON key) stay as first written.
        .replace(/victim_ids|["']victimIds["']|audit_entry_victims_idx|entry_victims/g, "")
        .replace(/askers: \["victims"\]/g, "");
      if (file.endsWith("trail.ts")) continue; // the trail route's wire format: the service contracts' part of #15
      expect({ file: relative(process.cwd(), file), found: code.match(/Victim|victimId|caseNumber/g) }).toEqual({
        file: relative(process.cwd(), file),
        found: null,
      });
    }
  });
});

describe("no resolver refuses a policy condition by hand", () => {
  /**
   * `hubError(ErrorCode.FORBIDDEN` is allowed only where the refusal is not a policy condition:
   * `nationals` refuses an embassy asking for another country — an argument outside its token's
   * country, checked before any record is read.
   */
  const ALLOWED: Record<string, number> = { "subgraphs/victims/resolvers/victim-resolver.ts": 1 };

  it("FORBIDDEN comes from the platform's one refusal (enforce) except in the places listed", () => {
    const counts: Record<string, number> = {};
    for (const file of sourceFiles(join(__dirname, "../../subgraphs"))) {
      const hits = readFileSync(file, "utf8").match(/hubError\(\s*ErrorCode\.FORBIDDEN/g)?.length ?? 0;
      if (hits > 0) counts[relative(join(__dirname, "..", ".."), file)] = hits;
    }
    expect(counts).toEqual(ALLOWED);
  });

  it("ownership is tested only by the conditions and the record rules", () => {
    const users = sourceFiles(join(__dirname, "../../subgraphs"))
      .filter((file) => /\bactsAsOwner\(/.test(readFileSync(file, "utf8")))
      .map((file) => relative(join(__dirname, "..", ".."), file))
      .sort();
    expect(users).toEqual(["subgraphs/victims/conditions.ts", "subgraphs/victims/victim-access.ts"]);
  });
});
