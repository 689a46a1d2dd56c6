/**
 * One measurement, in a process of its own so the load generator never shares a core's
 * time with what it measures less than it must: autocannon POSTs one GraphQL request
 * for a while over N connections, checks every answer's data against the expected, and
 * prints a JSON summary on stdout.
 */
import autocannon from "autocannon";
import { createPrivateKey } from "node:crypto";
import { createRequestSigner } from "../../platform/auth/request-signature";

interface LoadRequest {
  url: string;
  authorization: string;
  body: string;
  /** The `data` every answer must carry, as JSON text (extensions may differ). */
  expectedData: string;
  connections: number;
  seconds: number;
  /** Straight at a subgraph: the gateway's request-signing key (PKCS#8 PEM), to sign each request afresh as the gateway does. */
  signingKeyPem?: string;
}

async function main(): Promise<void> {
  const load = JSON.parse(process.argv[2]) as LoadRequest;
  const headers: Record<string, string> = { "content-type": "application/json", authorization: load.authorization };
  const signer = load.signingKeyPem ? createRequestSigner("gateway", createPrivateKey(load.signingKeyPem)) : undefined;
  const result = await autocannon({
    url: load.url,
    method: "POST",
    headers,
    body: load.body,
    // A signature is good for one request (its nonce): each request is signed anew.
    requests: signer
      ? [
          {
            setupRequest: (request) => ({ ...request, headers: signer.signed("POST", load.url, load.body, headers) }),
          },
        ]
      : undefined,
    connections: load.connections,
    duration: load.seconds,
    verifyBody: (body: string | Buffer | undefined) => {
      try {
        const answer = JSON.parse(String(body)) as { data?: unknown; errors?: unknown };
        return !answer.errors && JSON.stringify(answer.data) === load.expectedData;
      } catch {
        return false;
      }
    },
  });
  const summary = {
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: (result as unknown as { mismatches?: number }).mismatches ?? 0,
  };
  process.stdout.write(JSON.stringify(summary));
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
