/**
 * Attack (found after the performance rebuild, issue #16): error answers that lose their request's
 * id. The formatter used to read the id from the request's AsyncLocalStorage scope; it now
 * looks it up on errors a plugin noted during the operation (platform/errors.ts
 * requestIdPlugin / clientErrorFormatter). Errors Apollo raises on the HTTP request itself,
 * before any operation hook runs, are never noted: they reach the client with no requestId,
 * although the answer's `x-request-id` header names one (docs: every error names its request).
 */
import { gatewayUrl, hubFetch, subgraphUrl, tokenFor, PERSONAS } from "../support/hub";

const BAD_BODIES: Array<[string, unknown]> = [
  ["a query that is not a string", { query: 5 }],
  ["variables sent as a JSON string", { query: "{ me { org } }", variables: "{}" }],
];

describe.each([
  ["the gateway", () => gatewayUrl()],
  ["a subgraph (signed)", () => subgraphUrl("victims")],
])("%s: every error answer carries its request's id", (_where, url) => {
  it.each(BAD_BODIES)("%s", async (_label, body) => {
    const response = await hubFetch(url(), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokenFor(PERSONAS.ngo)}` },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { errors: Array<{ extensions?: Record<string, unknown> }> };
    const header = response.headers.get("x-request-id");
    expect(header).toEqual(expect.any(String));
    expect(answer.errors.length).toBeGreaterThan(0);
    for (const error of answer.errors) expect(error.extensions?.requestId).toBe(header);
  });
});
