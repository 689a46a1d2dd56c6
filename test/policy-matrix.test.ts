/**
 * The access matrix, generated from the policy: for every persona and every field of
 * every type, through the gateway and straight at each subgraph — allowed fields come
 * back, denied fields come back `null` with UNAUTHORIZED_FIELD_OR_TYPE at their path.
 * One query per persona and root field selects everything reachable from that root, so
 * a few dozen requests cover every (persona, field) pair.
 */
import { ERASURE_FIELDS_EMPTY_IN_DEMO } from "./support/erasure";
import { getNamedType, isObjectType, type GraphQLObjectType } from "graphql";
import type { Role } from "../platform/auth/claims";
import type { DevTokenRequest } from "../platform/auth/tokens";
import type { SubgraphPolicy } from "../platform/policy/types";
import { HUB_POLICIES } from "../subgraphs/modules";
import { asPersona, asPersonaAt, PERSONAS } from "./support/hub";
import {
  checkResponse,
  mergeChecked,
  render,
  ruleOf,
  selectAll,
  supergraphSchema,
  type MatrixFinding,
  type MatrixResult,
  type Selection,
} from "./support/policy-matrix";

type Persona = DevTokenRequest & { role: Role };
const schema = supergraphSchema();
const queryType = schema.getQueryType()!;

/** Arguments for the root fields that need them, per persona. */
function rootArguments(
  field: string,
  persona: Persona,
  sampleVictimId: string,
  ownedVictimId: string,
): string | undefined {
  switch (field) {
    case "caseStatistics":
      return "groupBy: [NATIONALITY, SHELTER]";
    case "auditTrail":
      // A case owner reads the trail of one of its own cases; auditors and government all of it.
      return persona.role === "ngo" ? `first: 20, filter: { victimId: "${ownedVictimId}" }` : "first: 20";
    case "victim":
      return `id: "${sampleVictimId}"`;
    case "exportSubjectData":
      // The survivor's copy: a case owner of its own case, government of any.
      return `victimId: "${persona.role === "ngo" ? ownedVictimId : sampleVictimId}"`;
    case "nationals":
      return `first: 20, country: "${persona.country ?? "PH"}"`;
    case "shelter":
      return `id: "${persona.shelter ?? "shelter-maesot-1"}"`;
    case "shelters":
      // Everything reachable from a shelter (residents, their cases, consents, …) is costly: a few suffice.
      return "first: 3";
    case "victims":
    case "repatriationCases":
    case "embassies":
      return "first: 25";
    default:
      return undefined;
  }
}

function rootSelection(
  typeOwner: GraphQLObjectType,
  fieldName: string,
  args: string | undefined,
  includeField: (t: string, f: string) => boolean,
): Selection {
  const named = getNamedType(typeOwner.getFields()[fieldName].type);
  return {
    parentType: typeOwner.name,
    field: fieldName,
    args,
    children: isObjectType(named) ? selectAll(schema, named, includeField) : undefined,
  };
}

/**
 * Every `Type.field` a policy declares: what the matrix must have covered. Mutations are
 * writes, checked role by role in the workflow tests (test/workflows-*.test.ts).
 */
function declaredFields(policies: ReadonlyArray<{ policy: SubgraphPolicy }>): string[] {
  return [
    ...new Set(
      policies.flatMap(({ policy }) =>
        Object.entries(policy)
          .filter(([type]) => type !== "Mutation")
          .flatMap(([type, typePolicy]) => Object.keys(typePolicy.fields).map((field) => `${type}.${field}`)),
      ),
    ),
  ];
}

let governmentVictimIds: string[] = [];
const sampleIds = new Map<string, string>();
/** Per NGO persona: a case it owns (it reads the testimony only of those). */
const ownedIds = new Map<string, string>();

beforeAll(async () => {
  const page = await asPersona<{ victims: { edges: Array<{ node: { id: string } }> } }>(
    PERSONAS.government,
    "{ victims(first: 30) { edges { node { id } } } }",
  );
  governmentVictimIds = page.data!.victims.edges.map((edge) => edge.node.id);
  for (const [name, persona] of Object.entries(PERSONAS)) {
    const own =
      persona.role === "auditor"
        ? undefined
        : await asPersona<{ victims: { edges: Array<{ node: { id: string } }> } }>(
            persona,
            "{ victims(first: 1) { edges { node { id } } } }",
          );
    sampleIds.set(name, own?.data?.victims.edges[0]?.node.id ?? governmentVictimIds[0]);
    if (persona.role === "ngo") {
      const cases = await asPersona<{ victims: { edges: Array<{ node: { id: string } }> } }>(
        persona,
        "{ victims(first: 50) { edges { node { id testimony } } } }",
      );
      const notOwned = new Set((cases.errors ?? []).map((error) => error.path?.[2]));
      ownedIds.set(name, cases.data!.victims.edges.find((_, index) => !notOwned.has(index))!.node.id);
      // An audited read, so the owner's trail of the case has an entry for the matrix to check.
      await asPersona(persona, `{ victim(id: "${ownedIds.get(name)}") { nrmStatus } }`);
    }
  }
});

/** What each role was checked on, gathered over its personas: through the gateway, and per subgraph. */
const coverage = new Map<string, MatrixResult["checked"]>();
function tally(key: string, checked: MatrixResult["checked"]): void {
  if (!coverage.has(key)) coverage.set(key, new Map());
  mergeChecked(coverage.get(key)!, checked);
}

describe.each(Object.entries(PERSONAS))("access matrix for %s", (name, persona) => {
  it("through the gateway: every field of every type as the policy says", async () => {
    const findings: MatrixFinding[] = [];
    const checked: MatrixResult["checked"] = new Map();
    await Promise.all(
      Object.keys(queryType.getFields()).map(async (root) => {
        const selection = rootSelection(
          queryType,
          root,
          rootArguments(root, persona, sampleIds.get(name)!, ownedIds.get(name) ?? sampleIds.get(name)!),
          () => true,
        );
        const response = await asPersona(persona, `{ ${render([selection])} }`);
        const result = checkResponse(response, [selection], persona.role);
        findings.push(...result.findings.map((finding) => ({ ...finding, problem: `${root}: ${finding.problem}` })));
        mergeChecked(checked, result.checked);
      }),
    );
    tally(`${persona.role} via gateway`, checked);
    expect(findings).toEqual([]);
  });

  it.each(HUB_POLICIES.map(({ subgraph, policy }) => [subgraph, policy] as const))(
    "straight at the %s subgraph: denied fields do not resolve there either",
    async (subgraph, policy) => {
      const policies = [{ policy }];
      const includeField = (type: string, field: string) => Boolean(policy[type]?.fields[field]);
      const findings: MatrixFinding[] = [];
      const checked: MatrixResult["checked"] = new Map();
      const roots = Object.keys(policy.Query?.fields ?? {}).map((root) =>
        rootSelection(
          queryType,
          root,
          rootArguments(root, persona, sampleIds.get(name)!, ownedIds.get(name) ?? sampleIds.get(name)!),
          includeField,
        ),
      );
      await Promise.all(
        roots.map(async (selection) => {
          const response = await asPersonaAt(subgraph, persona, `{ ${render([selection])} }`);
          const result = checkResponse(response, [selection], persona.role, { policies });
          findings.push(...result.findings);
          mergeChecked(checked, result.checked);
        }),
      );
      if (policy.Victim) {
        // `_entities` with hand-written representations: the same rules, key by key.
        const victimFields = selectAll(schema, schema.getType("Victim") as GraphQLObjectType, includeField);
        const representations = governmentVictimIds.map((id) => ({ __typename: "Victim", id }));
        const response = await asPersonaAt(
          subgraph,
          persona,
          `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Victim { ${render(victimFields)} } } }`,
          { r: representations },
        );
        const result = checkResponse(response, victimFields, persona.role, {
          policies,
          parents: (data) => ((data as { _entities?: unknown[] } | null)?._entities ?? []) as unknown[],
          pathPrefix: ["_entities"],
        });
        findings.push(...result.findings);
        mergeChecked(checked, result.checked);
      }
      tally(`${persona.role} at ${subgraph}`, checked);
      expect(findings).toEqual([]);
    },
  );
});

describe("access matrix coverage", () => {
  const roles = [...new Set(Object.values(PERSONAS).map((persona) => persona.role))];
  const targets = [
    { target: "via gateway", declared: declaredFields(HUB_POLICIES) },
    ...HUB_POLICIES.map(({ subgraph, policy }) => ({
      target: `at ${subgraph}`,
      declared: declaredFields([{ policy }]),
    })),
  ];

  it.each(roles.flatMap((role) => targets.map(({ target, declared }) => [`${role} ${target}`, declared] as const)))(
    "%s: every declared field was checked (seen, refused, or only below a refused field)",
    (key, declared) => {
      const checked = coverage.get(key) ?? new Map();
      expect(declared.filter((coordinate) => !checked.has(coordinate))).toEqual([]);
    },
  );

  it("every field some role may see came back with a value for some persona (else the matrix proves little)", () => {
    const seen = new Set(
      [...coverage.values()].flatMap((checked) =>
        [...checked].filter(([, how]) => how === "allowed").map(([coordinate]) => coordinate),
      ),
    );
    const allowedSomewhere = declaredFields(HUB_POLICIES).filter(
      (coordinate) => (ruleOf(...(coordinate.split(".") as [string, string]))?.roles.length ?? 0) > 0,
    );
    expect(allowedSomewhere.filter((coordinate) => !seen.has(coordinate) && !MAY_BE_EMPTY.has(coordinate))).toEqual([]);
  });
});

/**
 * Fields no persona can see a value of in the demo data. For these the matrix checks
 * only that they are refused or not refused as the policy says.
 */
const MAY_BE_EMPTY = new Set<string>([
  // Every read path returns current placements; an ended one is history, and no query lists history yet
  // (test/workflows-shelters.test.ts reads both from dischargeVictim's answer).
  "Placement.endedAt",
  "Placement.endReason",
  // An intact chain has no broken link to name (test/audit.test.ts breaks one and reads both).
  "AuditChainReport.firstBrokenSeq",
  "AuditChainReport.problem",
  // The demo release has no duplicate registrations; test/workflows-victims.test.ts makes one and checks the flag.
  "Victim.possibleDuplicateOf",
  // The demo release erases no case and holds none; test/workflows-erasure.test.ts reads each of these with a value.
  ...ERASURE_FIELDS_EMPTY_IN_DEMO,
]);
