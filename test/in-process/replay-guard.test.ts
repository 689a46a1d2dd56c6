/**
 * A request signature is good once across a subgraph's replicas (platform/auth/replay-guard.ts):
 * two "replicas" here are two HTTP apps behind the subgraphs' own gate (requireHubSignature),
 * each with its own verifier, sharing the machine's Redis. The same signed request sent to
 * both: the second is a replay, 403 — where, without the shared record, each replica's own
 * memory lets it through once.
 */
import type { Server } from "node:http";
import { generateKeyPairSync } from "node:crypto";
import express from "express";
import pino from "pino";
import { createReplayGuard, type ReplayGuard } from "../../platform/auth/replay-guard";
import { createRequestSignatureVerifier, createRequestSigner } from "../../platform/auth/request-signature";
import { listen, requireHubSignature } from "../../platform/http";
import { requestReplayStoreShared } from "../../platform/metrics";
import { redisUnavailable, TEST_REDIS_URL } from "../support/redis";

const unavailable = redisUnavailable();
const describeWithRedis = unavailable ? describe.skip : describe;
const log = pino({ level: "silent" });
const keys = generateKeyPairSync("ed25519");
const signer = createRequestSigner("gateway", keys.privateKey);

/** A replica: the gate, then 200. */
async function replica(guard?: ReplayGuard): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(requireHubSignature(createRequestSignatureVerifier(new Map([["gateway", keys.publicKey]])), "1mb", guard));
  app.post("/graphql", (_request, response) => void response.json({ ok: true }));
  const server = await listen(app, 0, "127.0.0.1");
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/graphql`, server };
}

/** One signed request (signed for path /graphql: the same at every replica), sent to each URL in turn. */
async function sendTo(urls: string[]): Promise<number[]> {
  const body = JSON.stringify({ query: "mutation { registerVictim }" });
  const headers = signer.signed("POST", urls[0], body, { "content-type": "application/json" });
  const statuses: number[] = [];
  for (const url of urls) statuses.push((await fetch(url, { method: "POST", headers, body })).status);
  return statuses;
}

const servers: Server[] = [];
const guards: ReplayGuard[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await Promise.all(guards.map((guard) => guard.close()));
});

async function replicas(shared: boolean): Promise<string[]> {
  const made = [];
  for (let index = 0; index < 2; index += 1) {
    const guard = shared ? await createReplayGuard(TEST_REDIS_URL, log) : undefined;
    if (guard) guards.push(guard);
    const started = await replica(guard);
    servers.push(started.server);
    made.push(started.url);
  }
  return made;
}

describeWithRedis(`a signature across replicas${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  it("with the shared record (REDIS_URL), a request one replica took is refused by the other, 403", async () => {
    const [a, b] = await replicas(true);
    expect(await sendTo([a, b])).toEqual([200, 403]);
    expect(await sendTo([b, a])).toEqual([200, 403]);
    // And replayed to the same replica, as ever.
    expect(await sendTo([a, a])).toEqual([200, 403]);
    expect((await requestReplayStoreShared.get()).values[0]?.value).toBe(1);
  });

  it("control: without it, each replica accepts the same request once (what the shared record closes)", async () => {
    const [a, b] = await replicas(false);
    expect(await sendTo([a, b])).toEqual([200, 200]);
  });
});

it("with Redis away, a replica still serves and still refuses its own replays; the gauge says the record is not shared", async () => {
  const guard = await createReplayGuard("redis://127.0.0.1:1", log);
  guards.push(guard);
  const { url, server } = await replica(guard);
  servers.push(server);
  expect(await sendTo([url, url])).toEqual([200, 403]);
  expect((await requestReplayStoreShared.get()).values[0]?.value).toBe(0);
}, 15_000);
