/**
 * An `operationName` the document does not define is the client's mistake, answered as
 * Apollo Server answers it — 400 OPERATION_RESOLUTION_FAILURE — at the gateway as at a
 * subgraph, never a 500 (GraphiQL sends a stale name while a query is being edited).
 */
import { gatewayUrl, PERSONAS, postGraphQL, subgraphUrl, tokenFor } from "./support/hub";

it.each([
  ["the gateway", gatewayUrl],
  ["the victims subgraph", () => subgraphUrl("victims")],
])("%s answers an unknown operation name with 400 OPERATION_RESOLUTION_FAILURE", async (_where, url) => {
  const answer = await postGraphQL(
    url(),
    { query: "query Mine { me { org } }", operationName: "Other" },
    `Bearer ${tokenFor(PERSONAS.government)}`,
  );
  expect({ status: answer.status, codes: (answer.errors ?? []).map((error) => error.extensions?.code) }).toEqual({
    status: 400,
    codes: ["OPERATION_RESOLUTION_FAILURE"],
  });
});
