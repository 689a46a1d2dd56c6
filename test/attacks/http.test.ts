/**
 * Attacks over HTTP itself: a page in a survivor's or a case worker's browser that tries
 * to make the hub act (CSRF), or to read its answers from another origin. The hub takes
 * its caller only from an `Authorization: Bearer` header (never a cookie), refuses the
 * "simple" requests a browser sends cross-site without a preflight (Apollo Server's CSRF
 * prevention), never runs a mutation from a GET, and grants no origin the right to read.
 */
import { gatewayUrl, hubFetch, PERSONAS, subgraphUrl, tokenFor } from "../support/hub";

const token = () => tokenFor(PERSONAS.government);

describe("the gateway over HTTP", () => {
  it("takes no token from a cookie", async () => {
    const response = await fetch(gatewayUrl(), {
      method: "POST",
      headers: { "content-type": "application/json", cookie: `token=${token()}; authorization=Bearer ${token()}` },
      body: JSON.stringify({ query: "{ me { org } }" }),
    });
    expect(response.status).toBe(401);
  });

  it.each(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])(
    "refuses a %s POST (what a cross-site form can send without a preflight)",
    async (contentType) => {
      const response = await fetch(gatewayUrl(), {
        method: "POST",
        headers: { "content-type": contentType, authorization: `Bearer ${token()}` },
        body: JSON.stringify({ query: "{ me { org } }" }),
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(await response.text()).not.toContain('"org"');
    },
  );

  it("refuses a GET query without a preflight-forcing header, and any mutation over GET", async () => {
    const simple = await fetch(`${gatewayUrl()}?query=${encodeURIComponent("{ me { org } }")}`, {
      headers: { authorization: `Bearer ${token()}` },
    });
    expect(simple.status).toBe(400);
    const mutation = await fetch(
      `${gatewayUrl()}?query=${encodeURIComponent('mutation { identifyVictim(id: "x", decision: { decision: IDENTIFIED, decidedOn: "2026-01-01", decidingTeam: "x" }) { id } }')}`,
      {
        headers: { authorization: `Bearer ${token()}`, "apollo-require-preflight": "1" },
      },
    );
    expect(mutation.status).toBe(405);
  });

  it("lets no other origin read an answer", async () => {
    const preflight = await fetch(gatewayUrl(), {
      method: "OPTIONS",
      headers: {
        origin: "https://evil.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const answer = await fetch(gatewayUrl(), {
      method: "POST",
      headers: {
        origin: "https://evil.example",
        "content-type": "application/json",
        authorization: `Bearer ${token()}`,
      },
      body: JSON.stringify({ query: "{ me { org } }" }),
    });
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    expect(answer.headers.get("x-powered-by")).toBeNull();
  });

  // An ETag is a fingerprint of the answer: whoever sees headers only (a proxy's log, a shared cache) could
  // tell whether two callers, or one caller at two times, got the same answer. Every answer is no-store.
  it("fingerprints no answer with an ETag, at the gateway or a subgraph", async () => {
    const body = JSON.stringify({ query: "{ me { org } }" });
    const headers = { "content-type": "application/json", authorization: `Bearer ${token()}` };
    const viaGateway = await fetch(gatewayUrl(), { method: "POST", headers, body });
    expect(viaGateway.status).toBe(200);
    expect(viaGateway.headers.get("etag")).toBeNull();
    const direct = await hubFetch(subgraphUrl("victims"), {
      method: "POST",
      headers,
      body: JSON.stringify({ query: "{ _service { sdl } }" }),
    });
    expect(direct.status).toBe(200);
    expect(direct.headers.get("etag")).toBeNull();
  });
});
