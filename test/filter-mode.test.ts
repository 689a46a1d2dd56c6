/**
 * Filter mode at the gateway: a field the caller's role may never see is removed before
 * planning, answered `null` with one UNAUTHORIZED_FIELD_OR_TYPE error at its path, and the
 * rest of the query is answered. No way of writing the query gets round it.
 */
import { asPersona, errorCodes, PERSONAS, type GraphQLResponse } from "./support/hub";

type Nodes = { victims: { edges: Array<{ node: Record<string, unknown> }> } };

/** The shelter persona may see a case's preferred name, never its legal name. */
const shelter = PERSONAS.shelter;

function expectRefusedAt(response: GraphQLResponse<Nodes>, path: string[], responseKey: string) {
  expect(response.status).toBe(200);
  const nodes = response.data!.victims.edges.map((edge) => edge.node);
  expect(nodes.length).toBeGreaterThan(0);
  for (const node of nodes) {
    expect(node).toHaveProperty(responseKey, null);
    expect(node.caseNumber).toEqual(expect.any(String));
  }
  const refusals = (response.errors ?? []).filter((error) => error.extensions?.code === "UNAUTHORIZED_FIELD_OR_TYPE");
  expect(refusals.map((error) => error.path)).toEqual([path]);
}

describe("filter mode at the gateway", () => {
  it("answers the allowed fields and nulls a denied one, with its path", async () => {
    const response = await asPersona<Nodes>(
      shelter,
      "{ victims(first: 3) { edges { node { caseNumber preferredName legalName } } } }",
    );
    expectRefusedAt(response, ["victims", "edges", "node", "legalName"], "legalName");
    expect(response.data!.victims.edges[0].node.preferredName).toEqual(expect.any(String));
  });

  it("an alias does not hide a denied field", async () => {
    const response = await asPersona<Nodes>(
      shelter,
      "{ victims(first: 3) { edges { node { caseNumber name: legalName } } } }",
    );
    expectRefusedAt(response, ["victims", "edges", "node", "name"], "name");
  });

  it("nor does a named fragment", async () => {
    const response = await asPersona<Nodes>(
      shelter,
      "fragment Who on Victim { legalName } { victims(first: 3) { edges { node { caseNumber ...Who } } } }",
    );
    expectRefusedAt(response, ["victims", "edges", "node", "legalName"], "legalName");
  });

  it("nor an inline fragment, typed or untyped, with or without directives", async () => {
    for (const query of [
      "{ victims(first: 3) { edges { node { caseNumber ... on Victim { legalName } } } } }",
      "{ victims(first: 3) { edges { node { caseNumber ... @include(if: true) { legalName } } } } }",
      "{ victims(first: 3) { edges { node { caseNumber ... { ... on Victim { legalName } } } } } }",
    ]) {
      expectRefusedAt(await asPersona<Nodes>(shelter, query), ["victims", "edges", "node", "legalName"], "legalName");
    }
  });

  it("nor a variable; a variable used only by the removed field is dropped, not reported unused", async () => {
    const response = await asPersona<Nodes>(
      shelter,
      "query ($withName: Boolean!) { victims(first: 3) { edges { node { caseNumber legalName @include(if: $withName) } } } }",
      { withName: true },
    );
    expectRefusedAt(response, ["victims", "edges", "node", "legalName"], "legalName");
  });

  it("__typename tricks reach nothing: the gateway exposes no _entities, and __typename alone is harmless", async () => {
    const entities = await asPersona(
      shelter,
      '{ _entities(representations: [{ __typename: "Victim", id: "x" }]) { ... on Victim { legalName } } }',
    );
    expect(errorCodes(entities)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(entities.data ?? null).toBeNull();
    const typename = await asPersona<Nodes>(
      shelter,
      "{ victims(first: 3) { edges { node { __typename caseNumber legalName } } } }",
    );
    expectRefusedAt(typename, ["victims", "edges", "node", "legalName"], "legalName");
    expect(typename.data!.victims.edges[0].node.__typename).toBe("Victim");
  });

  it("a denied root field is null with one error; the other roots are answered", async () => {
    const response = await asPersona<{ victims: unknown; shelters: { totalCount: number } }>(
      PERSONAS.auditor,
      "{ victims(first: 3) { totalCount edges { node { legalName } } } shelters(first: 1) { totalCount } }",
    );
    // The workflow tests may open shelters meanwhile: at least the six of the demo data.
    expect(response.data).toEqual({ victims: null, shelters: { totalCount: expect.any(Number) } });
    expect(response.data!.shelters.totalCount).toBeGreaterThanOrEqual(6);
    expect(response.errors!.map((error) => [error.path, error.extensions?.code])).toEqual([
      [["victims"], "UNAUTHORIZED_FIELD_OR_TYPE"],
    ]);
  });

  it("a subgraph fetch left empty by the filter is not made at all", async () => {
    const response = await asPersona<{ shelters: { totalCount: number }; repatriationCases: null }>(
      shelter,
      "{ shelters(first: 1) { totalCount } repatriationCases(first: 5) { totalCount } }",
    );
    expect(response.data).toEqual({ shelters: { totalCount: expect.any(Number) }, repatriationCases: null });
    expect(Object.keys(response.extensions!.sqlStatements as object)).toEqual(["shelters"]);
  });

  it("a query left with nothing to ask still answers with its shape and errors, asking no subgraph", async () => {
    const response = await asPersona(PERSONAS.auditor, "{ victims(first: 1) { totalCount } }");
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ victims: null });
    expect(errorCodes(response)).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
    expect(response.extensions?.sqlStatements ?? {}).toEqual({});
  });
});
