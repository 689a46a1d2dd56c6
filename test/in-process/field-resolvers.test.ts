/**
 * The field rules are decided per field when the schema is built (platform/policy/field-resolvers.ts):
 * a field every role may read, not personal and without arguments keeps graphql-js's default
 * resolver; a restricted one answers synchronously through a role test; and the check holds for a
 * field reached through `_entities` at a subgraph called directly, its refusal audited.
 */
import { parse, type GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema } from "graphql";
import { RequestAudit } from "../../platform/audit/audit-log";
import { type Caller, ROLES } from "../../platform/auth/claims";
import { refusedArguments } from "../../platform/policy/argument-rules";
import { buildSubgraphSchema } from "../../platform/subgraph-server";
import { SUBGRAPHS } from "../../subgraphs/index";
import { subgraphModule } from "../../subgraphs/modules";
import { errorCodes, PERSONAS, START_TIMEOUT_MS, startInProcessSubgraph, type InProcessSubgraph } from "./harness";

function field(schema: GraphQLSchema, typeName: string, fieldName: string) {
  return (schema.getType(typeName) as GraphQLObjectType).getFields()[fieldName];
}

function callerOf(role: Caller["role"]): Caller {
  return { sub: "u", org: `${role}-1`, role, country: "PH", shelter: "shelter-maesot-1" };
}

describe("field resolvers decided at schema build", () => {
  let victimsSchema: GraphQLSchema;
  beforeAll(async () => {
    victimsSchema = (await buildSubgraphSchema(subgraphModule("victims"))).schema;
  });

  it("a field every role may read, not personal and without arguments, keeps graphql's default resolver", async () => {
    for (const { name } of SUBGRAPHS) {
      const { schema } = await buildSubgraphSchema(subgraphModule(name));
      const pageInfo = field(schema, "PageInfo", "hasNextPage");
      expect({ subgraph: name, resolve: pageInfo.resolve }).toEqual({ subgraph: name, resolve: undefined });
    }
    expect(field(victimsSchema, "Me", "role").resolve).toBeUndefined();
  });

  it("a role-restricted plain field answers synchronously, and refuses other roles as before", () => {
    const caseNumber = field(victimsSchema, "Victim", "caseNumber");
    expect(caseNumber.resolve).toBeDefined();
    const info = {} as GraphQLResolveInfo;
    const contextOf = (role: Caller["role"]) => ({
      caller: callerOf(role),
      audit: new RequestAudit(callerOf(role), "r"),
    });
    // Not a promise: no async wrapper on a synchronous path.
    expect(caseNumber.resolve!({ caseNumber: "TH-1" }, {}, contextOf("embassy"), info)).toBe("TH-1");
    expect(() => caseNumber.resolve!({ caseNumber: "TH-1" }, {}, contextOf("auditor"), info)).toThrow(
      "Unauthorized field or type: Victim.caseNumber",
    );
  });

  it("a field with no policy entry is refused to every role (closed by default), synchronously", async () => {
    const module = subgraphModule("victims");
    // A field no argument rule tests (removing one such would stop the build, as it should).
    const { preferredName: _left, ...fields } = module.policy.Victim.fields;
    const { schema } = await buildSubgraphSchema({
      ...module,
      policy: { ...module.policy, Victim: { ...module.policy.Victim, fields } },
    });
    const preferredName = field(schema, "Victim", "preferredName");
    for (const role of ROLES) {
      const context = { caller: callerOf(role), audit: new RequestAudit(callerOf(role), "r") };
      expect(() => preferredName.resolve!({ preferredName: "Ana" }, {}, context, {} as GraphQLResolveInfo)).toThrow(
        "Unauthorized field or type: Victim.preferredName",
      );
    }
  });
});

describe("the argument walk, decided once per document", () => {
  it("the same parsed document with other variables (or none, leaving a default) is judged by its values each time", async () => {
    const { schema } = await buildSubgraphSchema(subgraphModule("victims"));
    const mayUse = (coordinate: string) => coordinate !== "VictimFilter.nrmStatus";
    const byVariable = parse(`query ($f: VictimFilter) { victims(filter: $f, first: 1) { totalCount } }`);
    expect(refusedArguments(schema, byVariable, { f: { nationality: "PH" } }, mayUse)).toEqual([]);
    expect(refusedArguments(schema, byVariable, { f: { nrmStatus: "SCREENING" } }, mayUse)).toEqual([
      "VictimFilter.nrmStatus",
    ]);
    expect(refusedArguments(schema, byVariable, { f: { nationality: "PH" } }, mayUse)).toEqual([]);
    const byDefault = parse(
      `query ($s: NrmStatus = SCREENING) { victims(filter: { nrmStatus: $s }, first: 1) { totalCount } }`,
    );
    expect(refusedArguments(schema, byDefault, undefined, mayUse)).toEqual(["VictimFilter.nrmStatus"]);
    expect(refusedArguments(schema, byDefault, { s: null }, mayUse)).toEqual([]);
    expect(refusedArguments(schema, byDefault, {}, mayUse)).toEqual(["VictimFilter.nrmStatus"]);
    const literal = parse(`{ victims(filter: { nrmStatus: SCREENING }, first: 1) { totalCount } }`);
    expect(refusedArguments(schema, literal, undefined, mayUse)).toEqual(["VictimFilter.nrmStatus"]);
    expect(refusedArguments(schema, literal, undefined, () => true)).toEqual([]);
  });
});

describe("`_entities` called straight at the victims subgraph", () => {
  let victims: InProcessSubgraph;
  beforeAll(async () => {
    victims = await startInProcessSubgraph("victims", { demoData: true });
  }, START_TIMEOUT_MS);
  afterAll(() => victims?.stop(), START_TIMEOUT_MS);

  it("a restricted field reached through `_entities` is refused, and the refusal of a personal field is audited", async () => {
    const listed = await victims.execute<{ nationals: { edges: Array<{ node: { id: string } }> } }>(
      PERSONAS.embassyPH,
      `{ nationals(first: 1) { edges { node { id } } } }`,
    );
    const id = listed.data!.nationals.edges[0].node.id;
    const response = await victims.execute<{
      _entities: Array<{ caseNumber: string; rescueLocation: unknown } | null>;
    }>(
      PERSONAS.embassyPH,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Victim { caseNumber rescueLocation } } }`,
      { r: [{ __typename: "Victim", id }] },
    );
    expect(errorCodes(response)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
    expect(response.errors![0].message).toBe("Unauthorized field or type: Victim.rescueLocation");
    expect(response.errors![0].path).toEqual(["_entities", 0, "rescueLocation"]);
    expect(response.data!._entities[0]?.caseNumber).toEqual(expect.any(String));
    const entries = await victims.auditEntries(response.requestId);
    expect(entries).toEqual([
      expect.objectContaining({
        kind: "READ",
        action: "_entities",
        outcome: "DENIED",
        victimIds: [id],
        fields: ["Victim.rescueLocation"],
      }),
    ]);
  });
});
