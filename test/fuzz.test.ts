/**
 * Fuzzing: thousands of malformed and hostile operations generated from the schema
 * (test/support/fuzz.ts), sent through the gateway and straight at each subgraph as
 * government (the widest access) and as an embassy. Every answer: no HTTP 5xx, no
 * INTERNAL_SERVER_ERROR or SERVICE_UNAVAILABLE (bad input is BAD_USER_INPUT), no stack
 * trace, no SQL or driver text, no file path or internal address — and afterwards the
 * demo data is as it was and every audit chain still verifies.
 * FUZZ_CASES (default 1500) and FUZZ_SEED (default 20261127) make it repeatable.
 */
import { Agent, fetch } from "undici";
import { SUBGRAPH_NAMES } from "../subgraphs/index";
import { findLeaks, FuzzGenerator, type FuzzCase } from "./support/fuzz";
import { asPersona, gatewayUrl, hubRequestHeaders, PERSONAS, subgraphUrl, tokenFor } from "./support/hub";
import { supergraphSchema } from "./support/policy-matrix";

const CASES = Number(process.env.FUZZ_CASES ?? 1500);
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const CONCURRENCY = 8;

// Mutations that create records from arguments alone would store hostile strings as
// data (correctly): they are validated field by field in the workflow tests instead.
const CREATING = new Set(["registerVictim", "registerVictims", "openShelter"]);

/** Longer than this for one answer, and the leak scan is no longer linear (see LEAK_PATTERNS). */
const LEAK_SCAN_BUDGET_MS = 2_000;

const DEMO_SNAPSHOT = `{
  victims(first: 100) { edges { node { id caseNumber version legalName nrmStatus medicalNeeds testimony consents { kind granted } referrals { toOrg status } } } }
  shelters(first: 6) { edges { node { id name capacity services languages } } }
  embassies(first: 100) { edges { node { id country name } } }
}`;

/**
 * A connection of its own for every request (pipelining 0: no keep-alive). This process stalls by design for
 * seconds at a time on a loaded machine: it serializes, hashes and sends bodies of 40 MB and reads answers of
 * megabytes. A server closes a connection left idle for its keep-alive timeout (5 s, and says so); a pooled
 * connection whose closing arrives during a stall is still taken for the next request, which then fails with
 * "other side closed" or EPIPE — this client's doing, not the hub's. Each case's own answer still comes over the
 * connection its request went out on, so a server that drops a connection it should answer is still caught.
 */
const connectionPerRequest = new Agent({ pipelining: 0 });

/** What a case sends, serialized once (a body can be 40 MB, and every serialization stalls this process). */
function bodyOf(fuzzCase: FuzzCase): string | Buffer {
  return Buffer.isBuffer(fuzzCase.body) || typeof fuzzCase.body === "string"
    ? fuzzCase.body
    : JSON.stringify(fuzzCase.body);
}

async function send(
  url: string,
  token: string,
  fuzzCase: FuzzCase,
  body: string | Buffer,
): Promise<{ status: number; text: string }> {
  const init = {
    method: "POST",
    headers: { "content-type": fuzzCase.contentType ?? "application/json", authorization: `Bearer ${token}` },
    body,
  };
  // Signed as the gateway signs: hostile operations reach the subgraphs' own checks. Undici's own fetch, as the
  // agent is undici's (Node's built-in fetch is another copy of it, whose types differ).
  const response = await fetch(url, {
    ...init,
    headers: hubRequestHeaders(url, init),
    dispatcher: connectionPerRequest,
  });
  return { status: response.status, text: await response.text() };
}

describe(`fuzzing: ${CASES} hostile operations (seed ${SEED})`, () => {
  afterAll(() => connectionPerRequest.close());

  it("never answers 5xx, never leaks internals, changes nothing", async () => {
    // (timeout below: a few thousand requests on two cores)
    const before = await asPersona(PERSONAS.government, DEMO_SNAPSHOT);
    expect(before.errors).toBeUndefined();

    const cases = new FuzzGenerator(supergraphSchema(), SEED, CREATING).cases(CASES);
    const targets = [gatewayUrl(), ...SUBGRAPH_NAMES.map(subgraphUrl)];
    const tokens = [tokenFor(PERSONAS.government), tokenFor(PERSONAS.embassyPH)];
    const findings: string[] = [];
    let sent = 0;
    for (let start = 0; start < cases.length; start += CONCURRENCY) {
      await Promise.all(
        cases.slice(start, start + CONCURRENCY).map(async (fuzzCase, offset) => {
          const index = start + offset;
          const body = bodyOf(fuzzCase);
          // Every case through the gateway, and straight at one subgraph in turn.
          for (const url of [targets[0], targets[1 + (index % SUBGRAPH_NAMES.length)]]) {
            let answer: { status: number; text: string };
            try {
              answer = await send(url, tokens[index % tokens.length], fuzzCase, body);
            } catch (error) {
              // A body over the 1 MB limit may be cut off by the server's refusal while still being written: refused, not unanswered.
              if (body.length > 1024 * 1024) {
                sent += 1;
                continue;
              }
              findings.push(
                `#${index} ${fuzzCase.label} → no answer at ${url}: ${(error as Error).message} ${String((error as { cause?: unknown }).cause)}`,
              );
              continue;
            }
            const { status, text } = answer;
            sent += 1;
            if (status >= 500)
              findings.push(`#${index} ${fuzzCase.label} → HTTP ${status} at ${url}: ${text.slice(0, 300)}`);
            // Bad input is the client's: a clear BAD_USER_INPUT, never an internal error; and straight at a subgraph, never
            // another subgraph "unavailable" (through the gateway that can also be a timeout of a loaded machine: faults.test.ts).
            // auditTrail's cursor and filter are validated by the audit work (issue #13), not yet here.
            const unclear = (
              url === targets[0]
                ? /"code":"(INTERNAL_SERVER_ERROR)"/
                : /"code":"(INTERNAL_SERVER_ERROR|SERVICE_UNAVAILABLE)"/
            ).exec(text);
            if (unclear && !fuzzCase.label.endsWith(" auditTrail"))
              findings.push(
                `#${index} ${fuzzCase.label} → ${unclear[1]} at ${url}: ${JSON.stringify(fuzzCase.body).slice(0, 300)} → ${text.slice(0, 300)}`,
              );
            const scanStarted = performance.now();
            for (const { kind, match, index: at } of findLeaks(text))
              findings.push(
                `#${index} ${fuzzCase.label} → ${kind} (${match}) at ${url}: ${text.slice(Math.max(0, at - 100), at + 100)}`,
              );
            // A slow scan stalls this whole process: the servers meanwhile close the connections it left idle, and the
            // requests after it fail on them. Said here, as what it is, rather than as a flaky subgraph.
            const scanMs = performance.now() - scanStarted;
            if (scanMs > LEAK_SCAN_BUDGET_MS)
              findings.push(
                `#${index} ${fuzzCase.label} → scanning its ${text.length}-character answer from ${url} took ${Math.round(scanMs)} ms`,
              );
          }
        }),
      );
    }
    expect(findings.slice(0, 20)).toEqual([]);
    expect(sent).toBe(CASES * 2);

    const after = await asPersona(PERSONAS.government, DEMO_SNAPSHOT);
    expect(after.data).toEqual(before.data);
    const chains = await asPersona<{ verifyAuditChain: Array<{ intact: boolean }> }>(
      PERSONAS.auditor,
      "{ verifyAuditChain { intact } }",
    );
    expect(chains.data!.verifyAuditChain.every((chain) => chain.intact)).toBe(true);
  }, 300_000);
});
