/**
 * Attacks with tokens: claims that disagree about one fact. A shelter's organisation is
 * the shelter; a token naming one shelter in `org` and another in `shelter` could cross
 * shelters wherever one rule reads one claim and another the other, so it is refused
 * (HTTP 401) at the gateway and at every subgraph.
 */
import { SUBGRAPH_NAMES } from "../../subgraphs/index";
import { gatewayUrl, postGraphQL, subgraphUrl, tokenFor } from "../support/hub";

describe("claims that must agree do", () => {
  const crossed = [
    [
      "a shelter token whose org and shelter differ",
      { role: "shelter", org: "shelter-maesot-2", shelter: "shelter-maesot-1" },
      /`org` and `shelter`/,
    ],
    // Found by the black-box attacker: it read the Philippines' nationals while the audit trail named Kenya's embassy.
    [
      "an embassy token whose org names another country",
      { role: "embassy", org: "embassy-KE", country: "PH" },
      /embassy token's `org`/,
    ],
  ] as const;
  const targets = [
    ["gateway", gatewayUrl()] as const,
    ...SUBGRAPH_NAMES.map((name) => [name, subgraphUrl(name)] as const),
  ];

  it.each(crossed)("%s is refused (401) at the gateway and at every subgraph", async (_label, persona, message) => {
    for (const [target, url] of targets) {
      const response = await postGraphQL(url, { query: "{ __typename }" }, `Bearer ${tokenFor(persona)}`);
      expect({ target, status: response.status, data: response.data }).toEqual({
        target,
        status: 401,
        data: undefined,
      });
      expect(response.errors?.[0]).toMatchObject({
        message: expect.stringMatching(message),
        extensions: { code: "UNAUTHENTICATED" },
      });
    }
  });
});
