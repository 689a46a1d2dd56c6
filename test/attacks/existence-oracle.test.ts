/**
 * Attack: "does this id exist?" A partner with a valid token sends every id-taking
 * query and mutation of the schema twice — once with the id of a real record it may not
 * see (directly, through the person it belongs to, or addressed to another organisation),
 * once with a random id that names nothing — and compares the answers: data, error
 * messages and codes, HTTP status and the development counters (SQL statements and
 * questions to other subgraphs: the deterministic measure of the timing class). Any
 * difference is an existence oracle (DESIGN.md, "Access policy").
 *
 * The cases are GENERATED from the composed schema (supergraph.graphql): every root field
 * with an `ID` argument × every persona, through the gateway and straight at the owning
 * subgraph. A new id-taking field is covered without touching this file — unless its
 * arguments name a record type or an input type this file does not know yet, which fails
 * the "knows every id-taking field" test below until it is taught here.
 */
import { randomUUID } from "node:crypto";
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isLeafType,
  isListType,
  isNonNullType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
} from "graphql";
import type { DevTokenRequest } from "../../platform/auth/tokens";
import type { SubgraphName } from "../../subgraphs/index";
import { hiddenWorld, type HiddenWorld } from "../support/attack-world";
import { asPersona, asPersonaAt, PERSONAS, type GraphQLResponse } from "../support/hub";
import { ruleOf, supergraphSchema } from "../support/policy-matrix";
import type { Role } from "../../platform/auth/claims";

type PersonaName = keyof typeof PERSONAS;
const PERSONA_NAMES = Object.keys(PERSONAS) as PersonaName[];

/** Which record type an id argument names. `id` names the type the field returns. */
function recordTypeOf(field: GraphQLField<unknown, unknown>, argument: GraphQLArgument): string | undefined {
  const byName: Record<string, string> = {
    victimId: "Victim",
    caseId: "RepatriationCase",
    shelterId: "Shelter",
    toShelterId: "Shelter",
  };
  if (argument.name === "id") return getNamedType(field.type).name;
  return byName[argument.name];
}

/** Valid values for every input type an id-taking field takes, so the resolver gets as far as the id. */
const VALID_INPUTS: Record<string, unknown> = {
  VerificationDecisionInput: { decision: "CONFIRMED" },
  TravelDocumentInput: {
    kind: "EMERGENCY_TRAVEL_CERTIFICATE",
    number: "PH-ETC-ORACLE-1",
    issuedOn: "2026-11-20",
    expiresOn: "2099-02-20",
  },
  RepatriationRequestInput: { receivingOrganisation: "Reception centre (fictional)" },
  JourneyLegInput: { mode: "BUS", fromPlace: "Mae Sot", toPlace: "Bangkok", departsAt: "2099-01-01T08:00:00Z" },
  UpdateShelterInput: { services: ["medical"] },
  UpdateVictimInput: { preferredName: "Changed (fictional)" },
  NrmDecisionInput: { decision: "IDENTIFIED", decidedOn: "2026-11-20", decidingTeam: "MDT Mae Sot" },
  ConsentInput: { kind: "CONSULAR_CONTACT", granted: true },
  ReferralInput: { toOrg: "ngo-lighthouse", toRole: "NGO", purpose: "Legal aid (fictional)" },
  // requestErasure's, placeLegalHold's and liftLegalHold's reason: the only free-text argument of an id-taking field.
  String: "A stated reason (fictional)",
  // Steps and reasons chosen so that a visible record would answer something else than NOT_FOUND.
  RepatriationStatus: "DOCUMENTS_PENDING",
  DischargeReason: "OTHER",
};

/** A valid value for an argument other than the id under test. */
function validValue(type: GraphQLInputType, name: string): unknown {
  const named = getNamedType(type);
  if (named.name in VALID_INPUTS) return VALID_INPUTS[named.name];
  if (named.name === "ID") return name.toLowerCase().includes("shelter") ? "shelter-maesot-1" : randomUUID();
  if (named.name === "Boolean") return true;
  if (named.name === "Int") return 1;
  if (isEnumType(named)) return named.getValues()[0].value;
  if (isListType(getNullableType(type))) return [];
  throw new Error(`No valid value for ${named.name} (argument ${name}): add one to VALID_INPUTS`);
}

interface OracleField {
  kind: "query" | "mutation";
  field: GraphQLField<unknown, unknown>;
  subgraph: SubgraphName;
  /** The id arguments and the record type each names. */
  ids: Array<{ argument: GraphQLArgument; type: string }>;
}

function owningSubgraph(field: GraphQLField<unknown, unknown>): SubgraphName {
  const join = field.astNode?.directives?.find((directive) => directive.name.value === "join__field");
  const graph = join?.arguments?.find((argument) => argument.name.value === "graph")?.value;
  if (!graph || graph.kind !== "EnumValue")
    throw new Error(`${field.name}: no @join__field(graph:) in supergraph.graphql`);
  return graph.value.toLowerCase() as SubgraphName;
}

function idTakingFields(): OracleField[] {
  const schema = supergraphSchema();
  const roots = [["query", schema.getQueryType()!] as const, ["mutation", schema.getMutationType()!] as const];
  return roots.flatMap(([kind, type]) =>
    Object.values(type.getFields())
      .filter((field) => !field.name.startsWith("_"))
      .map((field) => ({
        kind,
        field,
        subgraph: owningSubgraph(field),
        ids: field.args
          .filter((argument) => getNamedType(argument.type).name === "ID")
          .map((argument) => ({ argument, type: recordTypeOf(field, argument) ?? "?" })),
      }))
      .filter((candidate) => candidate.ids.length > 0),
  );
}

const FIELDS = idTakingFields();

function operation(candidate: OracleField): string {
  const { field, kind } = candidate;
  const declared = field.args.map((argument) => `$${argument.name}: ${argument.type.toString()}`).join(", ");
  const passed = field.args.map((argument) => `${argument.name}: $${argument.name}`).join(", ");
  const selection = isLeafType(getNamedType(field.type)) ? "" : "{ __typename }";
  return `${kind} Probe(${declared}) { ${field.name}(${passed}) ${selection} }`;
}

/** What an attacker can compare, with ids and request ids (which differ by nature) taken out. */
function observable(response: GraphQLResponse, direct: boolean): unknown {
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
  return JSON.parse(
    JSON.stringify({
      status: response.status,
      data: response.data ?? null,
      errors: (response.errors ?? []).map((error) => ({
        message: error.message,
        code: error.extensions?.code,
        path: error.path,
      })),
      counters: direct
        ? {
            sqlStatements: response.headers.get("x-sql-statements"),
            peerQuestions: response.headers.get("x-peer-questions"),
          }
        : {
            sqlStatements: response.extensions?.sqlStatements ?? null,
            peerQuestions: response.extensions?.peerQuestions ?? null,
          },
    }).replace(uuid, "<uuid>"),
  );
}

let world: HiddenWorld;

beforeAll(async () => {
  world = await hiddenWorld();
}, 120_000);

describe("existence oracle: the test knows every id-taking field of the schema", () => {
  it("maps every id argument to a record type and has valid values for every other argument", () => {
    const unknown = FIELDS.flatMap((candidate) =>
      candidate.ids.filter((id) => id.type === "?").map((id) => `${candidate.field.name}(${id.argument.name})`),
    );
    expect(unknown).toEqual([]);
    for (const candidate of FIELDS) {
      for (const argument of candidate.field.args)
        if (getNamedType(argument.type).name !== "ID")
          expect(() => validValue(argument.type, argument.name)).not.toThrow();
    }
    // Sanity: the generated list holds the fields the findings were about.
    expect(FIELDS.map((candidate) => candidate.field.name)).toEqual(
      expect.arrayContaining([
        "decideNationalityVerification",
        "revokeTravelDocument",
        "respondToReferral",
        "victim",
        "changeRepatriationStatus",
      ]),
    );
  });
});

describe.each(
  FIELDS.map((candidate) => [`${candidate.kind} ${candidate.field.name} (${candidate.subgraph})`, candidate] as const),
)("%s", (_label, candidate) => {
  it.each(PERSONA_NAMES)(
    "as %s: a hidden id answers exactly like a missing one, through the gateway and at the subgraph",
    async (personaName) => {
      const persona: DevTokenRequest = PERSONAS[personaName];
      const query = operation(candidate);
      for (const { argument, type } of candidate.ids) {
        const hidden = world.hiddenFrom(type, personaName);
        if (!hidden) continue;
        const variables = (id: string) => {
          const values: Record<string, unknown> = {};
          for (const other of candidate.field.args)
            values[other.name] = other === argument ? id : validValue(other.type, other.name);
          if (!isNonNullType(argument.type)) values[argument.name] = id;
          return values;
        };
        for (const direct of [false, true]) {
          const send = (id: string) =>
            direct
              ? asPersonaAt(candidate.subgraph, persona, query, variables(id))
              : asPersona(persona, query, variables(id));
          const hiddenAnswer = observable(await send(hidden), direct);
          const missingRaw = await send(randomUUID());
          const missingAnswer = observable(missingRaw, direct);
          // Not vacuous: a role the field is open to gets as far as the id, and is told NOT_FOUND.
          if (
            ruleOf(candidate.kind === "query" ? "Query" : "Mutation", candidate.field.name)?.roles.includes(
              persona.role as Role,
            )
          ) {
            expect({
              [candidate.field.name]: (missingRaw.errors ?? []).map((error) => error.extensions?.code),
            }).toEqual({ [candidate.field.name]: ["NOT_FOUND"] });
          }
          expect({
            [`${argument.name}=<hidden ${type}> ${direct ? "at subgraph" : "via gateway"}`]: hiddenAnswer,
          }).toEqual({
            [`${argument.name}=<hidden ${type}> ${direct ? "at subgraph" : "via gateway"}`]: missingAnswer,
          });
        }
      }
    },
  );
});

describe("existence oracle: coverage", () => {
  it("every id-taking field is probed with a hidden id by at least one persona (except public shelters)", () => {
    const uncovered = FIELDS.filter(
      (candidate) => !candidate.ids.some((id) => PERSONA_NAMES.some((name) => world.hiddenFrom(id.type, name))),
    ).map((candidate) => candidate.field.name);
    // Shelters are public to every partner: nothing about a shelter is hidden.
    expect(uncovered.filter((name) => !["shelter", "updateShelter"].includes(name))).toEqual([]);
  });
});
