/**
 * Replicas keep every guarantee (issue #18): two gateways and two replicas of every
 * subgraph, each subgraph's replicas on one database of TEST_DATABASE_URL's server, the rate
 * limits in the machine's Redis under a prefix of this run's own. The processes form two
 * stacks — gateway A with subgraphs A, gateway B with subgraphs B — so load through both
 * gateways reaches both replicas of every subgraph. All eight subgraph replicas start at
 * once against empty databases (migrations and the demo data once: platform/database.ts).
 * Checked: a budget of N per minute refused at the (N+1)th request across both gateways;
 * 100 placements into a 10-bed shelter over both shelters replicas give exactly 10;
 * concurrent updateVictim with one version through both victims replicas give one success
 * and one CONFLICT; every audit chain verifies after concurrent appends from both replicas;
 * a victims replica killed mid-load costs no acknowledged write.
 * Skipped on PGlite: there one process owns a database by design (data-directory-lock.ts).
 * Ten processes on two cores: in the serial tier, alone.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { ensureDevKeyPair, ensureDevRequestSigningKey } from "../../platform/auth/keys";
import { createRequestSigner } from "../../platform/auth/request-signature";
import { signDevToken, type DevTokenRequest } from "../../platform/auth/tokens";
import { hubEnvironment, portBlock, rateLimitEnvironment, type HubPorts } from "../../platform/config";
import {
  GATEWAY,
  hubEntry,
  launch,
  readyUrl,
  stopProcess,
  waitReady,
  type LaunchedProcess,
} from "../../platform/processes";
import { SUBGRAPH_NAMES, SUBGRAPHS, type SubgraphName } from "../../subgraphs/index";
import { PERSONAS, postGraphQL, type GraphQLResponse } from "../support/hub";
import { ROOT } from "../support/processes";
import { redisUnavailable, removeRedisKeys, TEST_REDIS_URL, testKeyPrefix } from "../support/redis";
import { databaseUrlOn, testPort } from "../support/state";

const serverUrl = process.env.TEST_DATABASE_URL;
const skipped = !serverUrl
  ? "needs a PostgreSQL server (TEST_DATABASE_URL): on PGlite one process owns a database by design"
  : redisUnavailable();
const TITLE = "two replicas of every process keep every guarantee";

const BUDGET = 8;
const LIMITED_ORG = "ngo-replica-limited";
const ngo: DevTokenRequest = { role: "ngo", org: "ngo-replicas" };
const government = PERSONAS.government;
const STACKS = ["A", "B"] as const;
type Stack = (typeof STACKS)[number];

const REGISTER = `mutation ($victim: RegisterVictimInput!) { registerVictim(victim: $victim) { id version } }`;
const REGISTER_MANY = `mutation ($victims: [RegisterVictimInput!]!) { registerVictims(victims: $victims) { id version } }`;
const PLACE = `mutation ($victimId: ID!, $shelterId: ID!) { placeVictim(victimId: $victimId, shelterId: $shelterId) { id } }`;
const UPDATE = `mutation ($id: ID!, $version: Int!, $changes: UpdateVictimInput!) { updateVictim(id: $id, version: $version, changes: $changes) { version } }`;
const REQUEST_VERIFICATION = `mutation ($victimId: ID!) { requestNationalityVerification(victimId: $victimId) { id } }`;
/** Personal fields of all four subgraphs on the demo release's cases: an audited read in each. */
const EVERY_SUBGRAPH = `{ victims(first: 50) { edges { node { legalName currentPlacement { placedAt } nationalityVerification { status } travelDocuments { kind } repatriation { status } } } } }`;
/** Answers the policy gives to some of the load's fields and steps: refusals, never failures. */
const REFUSALS = new Set(["UNAUTHORIZED_FIELD_OR_TYPE", "CONSENT_REQUIRED", "FORBIDDEN"]);
const VERIFY = `{ verifyAuditChain { subgraph entries intact firstBrokenSeq problem } }`;

const codes = (response: GraphQLResponse) => (response.errors ?? []).map((error) => String(error.extensions?.code));

function person(label: string): Record<string, unknown> {
  return {
    nationality: "UG",
    gender: "FEMALE",
    ageBracket: "AGE_18_25",
    preferredName: "Test Person (fictional)",
    legalName: `Fictional Replica Person ${label} ${randomBytes(4).toString("hex")}`,
  };
}

(skipped ? describe.skip : describe)(skipped ? `${TITLE} (skipped: ${skipped})` : TITLE, () => {
  const prefix = `hub_replicas_${Date.now()}_${process.pid}`;
  const keyPrefix = testKeyPrefix("replicas");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "survivor-hub-replicas-"));
  const ports: Record<Stack, HubPorts> = {
    A: portBlock(SUBGRAPHS, testPort(90)),
    B: portBlock(SUBGRAPHS, testPort(95)),
  };
  const running = new Map<string, LaunchedProcess>();
  let databaseUrls: Record<SubgraphName, string>;

  const token = (persona: DevTokenRequest) =>
    signDevToken(
      { issuer: "survivor-hub-dev", audience: "survivor-hub", devKeyDir: path.join(dataDir, "keys") },
      persona,
    );
  const ask = <T = Record<string, unknown>>(
    stack: Stack,
    persona: DevTokenRequest,
    query: string,
    variables?: Record<string, unknown>,
  ) =>
    postGraphQL<T>(
      `http://127.0.0.1:${ports[stack].gateway}/graphql`,
      { query, variables },
      `Bearer ${token(persona)}`,
      {
        keyDir: path.join(dataDir, "keys"),
      },
    );
  /** Stack of the i-th request: A, B, A, B, … */
  const stackOf = (index: number): Stack => STACKS[index % 2];

  const environment = (stack: Stack): Record<string, string> => ({
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    SEED_DEMO_DATA: "if-empty",
    // Both stacks read the same key directory: one signing key per service, shared by its replicas.
    HUB_DATA_DIR: dataDir,
    ...hubEnvironment(SUBGRAPHS, { ports: ports[stack], databaseUrls }),
    // Eight subgraph processes on one shared server: small pools leave its connections to others.
    DATABASE_POOL_SIZE: "3",
    ...rateLimitEnvironment(1_000_000),
    RATE_LIMIT_ORG_OVERRIDES: `${LIMITED_ORG}=${BUDGET}`,
    REDIS_URL: TEST_REDIS_URL,
    RATE_LIMIT_KEY_PREFIX: keyPrefix,
  });
  const start = async (stack: Stack, name: string) => {
    const started = launch({ name: `${name}-${stack}`, entry: hubEntry(name), env: environment(stack) });
    running.set(`${name}-${stack}`, started);
    await waitReady(started, readyUrl(ports[stack], name), { timeoutMs: 90_000 });
  };

  beforeAll(async () => {
    execFileSync(
      process.execPath,
      [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
      { cwd: ROOT, stdio: "inherit" },
    );
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    for (const subgraph of SUBGRAPH_NAMES) await admin.query(`CREATE DATABASE ${prefix}_${subgraph}`);
    await admin.end();
    databaseUrls = Object.fromEntries(
      SUBGRAPH_NAMES.map((subgraph) => [subgraph, databaseUrlOn(serverUrl!, `${prefix}_${subgraph}`)]),
    ) as Record<SubgraphName, string>;
    ensureDevKeyPair(path.join(dataDir, "keys"));
    // Every subgraph replica at once, on empty databases: each database is migrated and seeded once.
    await Promise.all(STACKS.flatMap((stack) => SUBGRAPH_NAMES.map((name) => start(stack, name))));
    await Promise.all(STACKS.map((stack) => start(stack, GATEWAY)));
  }, 240_000);

  afterAll(async () => {
    await Promise.all([...running.values()].map((process) => stopProcess(process)));
    if (databaseUrls) {
      const admin = new Client({ connectionString: serverUrl });
      await admin.connect();
      for (const subgraph of SUBGRAPH_NAMES)
        await admin.query(`DROP DATABASE IF EXISTS ${prefix}_${subgraph} WITH (FORCE)`);
      await admin.end();
    }
    await removeRedisKeys(keyPrefix);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("seeded each database once while all replicas started together", async () => {
    const shelters = new Client({ connectionString: databaseUrls.shelters });
    await shelters.connect();
    try {
      const [{ repeated }] = (
        await shelters.query<{ repeated: string }>(
          "SELECT count(*)::text AS repeated FROM (SELECT name FROM migrations GROUP BY name HAVING count(*) > 1) twice",
        )
      ).rows;
      expect(repeated).toBe("0");
    } finally {
      await shelters.end();
    }
    // The demo release answers the same through both stacks (loaded once: a second load would have failed a start).
    const [a, b] = await Promise.all(
      STACKS.map((stack) =>
        ask<{ shelters: { totalCount: number } }>(stack, government, "{ shelters { totalCount } }"),
      ),
    );
    expect(a.errors).toBeUndefined();
    expect(a.data!.shelters.totalCount).toBeGreaterThan(0);
    expect(b.data).toEqual(a.data);
  });

  it("refuses an organisation's (N+1)th request in a minute across both gateways", async () => {
    const statuses: number[] = [];
    for (let index = 0; index < BUDGET + 2; index += 1)
      statuses.push(
        (await ask(stackOf(index), { role: "ngo", org: LIMITED_ORG }, "{ shelters(first: 1) { totalCount } }")).status,
      );
    expect(statuses).toEqual([...Array(BUDGET).fill(200), 429, 429]);
  });

  it("fills a 10-bed shelter with exactly 10 of 100 placements spread over both shelters replicas", async () => {
    const shelterId = `shelter-replicas-${process.pid}`;
    const opened = await ask(
      "A",
      government,
      `mutation ($shelter: OpenShelterInput!) { openShelter(shelter: $shelter) { id } }`,
      {
        shelter: {
          id: shelterId,
          name: "Replica Shelter (fictional)",
          region: "Tak",
          town: "Test Town",
          capacity: 10,
          services: ["medical"],
          languages: ["en"],
        },
      },
    );
    expect(opened.errors).toBeUndefined();
    const registered = await ask<{ registerVictims: Array<{ id: string }> }>("B", ngo, REGISTER_MANY, {
      victims: Array.from({ length: 100 }, (_, index) => person(`placement ${index}`)),
    });
    expect(registered.errors).toBeUndefined();
    const attempts = await Promise.all(
      registered.data!.registerVictims.map(({ id }, index) =>
        ask<{ placeVictim: { id: string } }>(stackOf(index), ngo, PLACE, { victimId: id, shelterId }),
      ),
    );
    expect(attempts.filter((attempt) => attempt.data?.placeVictim)).toHaveLength(10);
    expect(attempts.filter((attempt) => codes(attempt).join() === "CAPACITY_EXCEEDED")).toHaveLength(90);
    for (const stack of STACKS) {
      const free = await ask<{ shelter: { freeBeds: number } }>(
        stack,
        ngo,
        "query ($id: ID!) { shelter(id: $id) { freeBeds } }",
        {
          id: shelterId,
        },
      );
      expect(free.data!.shelter.freeBeds).toBe(0);
    }
  });

  it("lets one of two updateVictim with the same version through, through both victims replicas, the other CONFLICT", async () => {
    const registered = await ask<{ registerVictims: Array<{ id: string; version: number }> }>("A", ngo, REGISTER_MANY, {
      victims: Array.from({ length: 10 }, (_, index) => person(`update ${index}`)),
    });
    expect(registered.errors).toBeUndefined();
    for (const { id, version } of registered.data!.registerVictims) {
      const pair = await Promise.all(
        STACKS.map((stack) =>
          ask<{ updateVictim: { version: number } }>(stack, ngo, UPDATE, {
            id,
            version,
            changes: { medicalNeeds: `seen through stack ${stack}` },
          }),
        ),
      );
      expect(
        pair.filter((answer) => answer.data?.updateVictim).map((answer) => answer.data!.updateVictim.version),
      ).toEqual([version + 1]);
      expect(pair.flatMap(codes)).toEqual(["CONFLICT"]);
    }
  });

  it("keeps every audit chain intact after concurrent appends from both replicas", async () => {
    const registered = await ask<{ registerVictims: Array<{ id: string }> }>("B", ngo, REGISTER_MANY, {
      victims: Array.from({ length: 20 }, (_, index) => person(`audit ${index}`)),
    });
    const ids = registered.data!.registerVictims.map(({ id }) => id);
    // Reads (audited per request) and writes at once, in every subgraph, half through each stack; ten in
    // flight (not all eighty: on two shared cores a pile-up times out as SERVICE_UNAVAILABLE, which is load, not a race).
    const load = ids.flatMap((id, index) => [
      () =>
        ask(stackOf(index), ngo, "query ($id: ID!) { victim(id: $id) { legalName currentPlacement { placedAt } } }", {
          id,
        }),
      () => ask(stackOf(index + 1), ngo, UPDATE, { id, version: 1, changes: { psychosocialNeeds: "weekly" } }),
      () => ask(stackOf(index), ngo, REQUEST_VERIFICATION, { victimId: id }),
      () => ask(stackOf(index + 1), government, EVERY_SUBGRAPH),
    ]);
    const answers: GraphQLResponse[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let next = load.shift(); next; next = load.shift()) answers.push(await next());
      }),
    );
    // Every append went in: an append that lost a race would have failed its request (no unaudited access).
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    const unexpected = answers.flatMap(codes).filter((code) => !REFUSALS.has(code));
    expect(unexpected).toEqual([]);
    for (const stack of STACKS) {
      const reports = await ask<{ verifyAuditChain: Array<{ subgraph: string; entries: number; intact: boolean }> }>(
        stack,
        government,
        VERIFY,
      );
      expect(reports.errors).toBeUndefined();
      expect(reports.data!.verifyAuditChain.map((report) => report.subgraph).sort()).toEqual(
        [...SUBGRAPH_NAMES].sort(),
      );
      for (const report of reports.data!.verifyAuditChain) {
        expect(report).toMatchObject({ intact: true, firstBrokenSeq: null, problem: null });
        expect(report.entries).toBeGreaterThan(0);
      }
    }
  });

  it("takes a signed request at one victims replica once: replayed to the other, 403 (the nonce is claimed in Redis)", async () => {
    const url = (stack: Stack) => `http://127.0.0.1:${ports[stack].subgraphs.victims}/graphql`;
    const body = JSON.stringify({ query: "{ __typename }" });
    const signed = createRequestSigner(
      "gateway",
      ensureDevRequestSigningKey(path.join(dataDir, "keys"), "gateway"),
    ).signed("POST", url("A"), body, { "content-type": "application/json", authorization: `Bearer ${token(ngo)}` });
    const statuses = [];
    for (const stack of STACKS)
      statuses.push((await fetch(url(stack), { method: "POST", headers: signed, body })).status);
    expect(statuses).toEqual([200, 403]);
  });

  it("loses no acknowledged write when a victims replica is killed mid-load", async () => {
    const acknowledged: Array<{ id: string; stack: Stack }> = [];
    const failed: Stack[] = [];
    let sent = 0;
    let killed = false;
    const worker = async () => {
      while (sent < 80) {
        const stack = stackOf((sent += 1));
        const answer = await ask<{ registerVictim: { id: string } }>(stack, ngo, REGISTER, {
          victim: person("load"),
        }).catch((error: Error) => error);
        if (!(answer instanceof Error) && !answer.errors && answer.data?.registerVictim)
          acknowledged.push({ id: answer.data.registerVictim.id, stack });
        else failed.push(stack);
        if (!killed && acknowledged.length >= 20) {
          killed = true;
          running.get("victims-B")!.child.kill("SIGKILL");
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    expect(killed).toBe(true);
    // The kill landed mid-load: stack B refused some, stack A none.
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((stack) => stack === "B")).toBe(true);

    const victims = new Client({ connectionString: databaseUrls.victims });
    await victims.connect();
    try {
      const ids = acknowledged.map(({ id }) => id);
      const { rows } = await victims.query<{ id: string }>("SELECT id FROM victim WHERE id = ANY($1::uuid[])", [ids]);
      expect(new Set(rows.map((row) => row.id))).toEqual(new Set(ids));
    } finally {
      await victims.end();
    }
    // The surviving replica reads them back, and the chain the killed one appended to is whole.
    const sample = acknowledged.filter(({ stack }) => stack === "B").slice(0, 5);
    for (const { id } of sample) {
      const read = await ask<{ victim: { id: string } }>("A", ngo, "query ($id: ID!) { victim(id: $id) { id } }", {
        id,
      });
      expect(read.data?.victim.id).toBe(id);
    }
    const reports = await ask<{ verifyAuditChain: Array<{ subgraph: string; intact: boolean }> }>(
      "A",
      government,
      VERIFY,
    );
    expect(reports.data!.verifyAuditChain.every((report) => report.intact)).toBe(true);
  });
});
