/**
 * Attacks with tokens: claims that disagree about one fact. A shelter's organisation is
 * the shelter; a token naming one shelter in `org` and another in `shelter` could cross
 * shelters wherever one rule reads one claim and another the other, so it is refused
 * (HTTP 401) at the gateway and at every subgraph.
 */
import { SUBGRAPH_NAMES } from "../../shared/config";
import { gatewayUrl, postGraphQL, subgraphUrl, tokenFor } from "../support/hub";

describe("claims that must agree do", () => {
  const crossed = { role: "shelter", org: "shelter-maesot-2", shelter: "shelter-maesot-1" } as const;

  it.each([["gateway", gatewayUrl()] as const, ...SUBGRAPH_NAMES.map((name) => [name, subgraphUrl(name)] as const)])("%s refuses a shelter token whose org and shelter differ", async (_name, url) => {
    const response = await postGraphQL(url, { query: "{ __typename }" }, `Bearer ${tokenFor(crossed)}`);
    expect(response.status).toBe(401);
    expect(response.data).toBeUndefined();
    expect(response.errors?.[0]).toMatchObject({ message: expect.stringMatching(/`org` and `shelter`/), extensions: { code: "UNAUTHENTICATED" } });
  });
});
