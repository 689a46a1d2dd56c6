/**
 * Crash safety, proven: SIGKILL in the middle of a stream of concurrent writes —
 * registrations, consents, placements into small shelters — first of the two subgraphs
 * that take them (victims and shelters), then of the whole hub (supervisor and all its
 * children at once). After the restart every acknowledged write is there, an
 * unacknowledged one is there in full (with its audit entry, its bed counted) or not at
 * all, every audit chain verifies, and no shelter holds more people than it has beds.
 * On the embedded PGlite default, and on the PostgreSQL server when the suite runs with
 * TEST_DATABASE_URL.
 */
import fs from "node:fs";
import type { DevTokenRequest } from "../platform/auth/tokens";
import type { GraphQLResponse } from "./support/hub";
import { withStandaloneHub } from "./support/standalone";
import { testPort } from "./support/state";
import {
  askAt,
  killGroup,
  makeDataDir,
  serverDatabases,
  startSupervisor,
  stopSupervisor,
  supervisedEnv,
  waitSupervisorReady,
} from "./support/supervised";

type Target = "victims" | "shelters";
type Ask = <T>(
  target: Target,
  persona: DevTokenRequest,
  query: string,
  variables?: Record<string, unknown>,
) => Promise<GraphQLResponse<T>>;

const government = { role: "government", org: "gov-mdt" } as const;
const auditor = { role: "auditor", org: "oversight-board" } as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SHELTERS = 3;
const BEDS = 4;

interface Fixture {
  ngo: DevTokenRequest;
  shelterIds: string[];
  forConsent: string[];
  forPlacement: string[];
}

interface Outcome {
  registered: Map<string, string>; // marker -> id, acknowledged
  attemptedMarkers: string[];
  consented: Set<string>;
  placed: Map<string, string>; // victim id -> shelter id, acknowledged
}

async function prepare(ask: Ask, label: string): Promise<Fixture> {
  const ngo = { role: "ngo", org: `ngo-crash-${label}` } as const;
  const shelterIds: string[] = [];
  for (let index = 0; index < SHELTERS; index += 1) {
    const id = `shelter-crash-${label}-${index}`;
    const opened = await ask(
      "shelters",
      government,
      "mutation ($shelter: OpenShelterInput!) { openShelter(shelter: $shelter) { id } }",
      {
        shelter: {
          id,
          name: `Crash Test Shelter ${index} (fictional)`,
          region: "Tak",
          town: "Test Town",
          capacity: BEDS,
          services: [],
          languages: ["en"],
        },
      },
    );
    expect(opened.errors).toBeUndefined();
    shelterIds.push(id);
  }
  const victims = Array.from({ length: 60 }, (_, index) => ({
    nationality: "UG",
    gender: "FEMALE",
    ageBracket: "AGE_18_25",
    preferredName: `Prepared ${index} (fictional)`,
  }));
  const registered = await ask<{ registerVictims: Array<{ id: string }> }>(
    "victims",
    ngo,
    "mutation ($victims: [RegisterVictimInput!]!) { registerVictims(victims: $victims) { id } }",
    { victims },
  );
  expect(registered.errors).toBeUndefined();
  const ids = registered.data!.registerVictims.map((victim) => victim.id);
  return { ngo, shelterIds, forConsent: ids.slice(0, 30), forPlacement: ids.slice(30) };
}

/** Writers in parallel until `kill` has run (once each kind of write is flowing); a write counts only when its answer arrived. */
async function writeThrough(ask: Ask, fixture: Fixture, label: string, kill: () => Promise<void>): Promise<Outcome> {
  const outcome: Outcome = { registered: new Map(), attemptedMarkers: [], consented: new Set(), placed: new Map() };
  let writing = true;
  const attempt = async <T>(write: () => Promise<GraphQLResponse<T>>): Promise<T | null> => {
    try {
      const response = await write();
      return response.errors ? null : (response.data ?? null);
    } catch {
      return null; // the process died under the request: not acknowledged
    }
  };
  const registrations = async (worker: number) => {
    for (let index = 0; writing; index += 1) {
      const marker = `Crash ${label} ${worker}-${index} (fictional)`;
      outcome.attemptedMarkers.push(marker);
      const data = await attempt(() =>
        ask<{ registerVictim: { id: string } }>(
          "victims",
          fixture.ngo,
          `mutation ($name: String!) { registerVictim(victim: { nationality: "KE", gender: FEMALE, ageBracket: AGE_18_25, preferredName: $name }) { id } }`,
          { name: marker },
        ),
      );
      if (data) outcome.registered.set(marker, data.registerVictim.id);
    }
  };
  const consents = async () => {
    for (const victimId of fixture.forConsent) {
      if (!writing) return;
      const data = await attempt(() =>
        ask(
          "victims",
          fixture.ngo,
          "mutation ($victimId: ID!) { recordConsent(victimId: $victimId, consent: { kind: SHELTER_SHARING, granted: true }) { kind } }",
          { victimId },
        ),
      );
      if (data) outcome.consented.add(victimId);
      await sleep(30);
    }
  };
  const placements = async (worker: number) => {
    // Two workers, twice the people the beds hold: the shelters fill, the rest are refused.
    for (let index = worker; index < fixture.forPlacement.length && writing; index += 2) {
      const victimId = fixture.forPlacement[index];
      const shelterId = fixture.shelterIds[index % SHELTERS];
      const data = await attempt(() =>
        ask(
          "shelters",
          fixture.ngo,
          "mutation ($victimId: ID!, $shelterId: ID!) { placeVictim(victimId: $victimId, shelterId: $shelterId) { id } }",
          { victimId, shelterId },
        ),
      );
      if (data) outcome.placed.set(victimId, shelterId);
      await sleep(60);
    }
  };
  const writers = [registrations(0), registrations(1), registrations(2), consents(), placements(0), placements(1)];
  // Kill once every kind of write has been acknowledged a few times, the stream still flowing.
  const deadline = Date.now() + 30_000;
  while (
    Date.now() < deadline &&
    (outcome.registered.size < 4 || outcome.consented.size < 4 || outcome.placed.size < 4)
  )
    await sleep(50);
  await kill();
  writing = false;
  await Promise.all(writers);
  expect(outcome.registered.size).toBeGreaterThan(3);
  expect(outcome.consented.size).toBeGreaterThan(3);
  expect(outcome.placed.size).toBeGreaterThan(3);
  return outcome;
}

type TrailEntry = { action: string; outcome: string; victimIds: string[] };

async function trailOf(ask: Ask, ngo: DevTokenRequest, victimId: string): Promise<TrailEntry[]> {
  const response = await ask<{ auditTrail: { edges: Array<{ node: TrailEntry }> } }>(
    "victims",
    ngo,
    "query ($id: ID!) { auditTrail(first: 100, filter: { victimId: $id }) { edges { node { action outcome victimIds } } } }",
    { id: victimId },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.auditTrail.edges.map((edge) => edge.node);
}

async function verifyAfterRestart(ask: Ask, fixture: Fixture, outcome: Outcome): Promise<void> {
  const { ngo } = fixture;
  // Registrations: every acknowledged one is there; every one there has its audit entry.
  const present = new Map<string, string>();
  for (let after: string | null = null, more = true; more;) {
    type Page = {
      victims: {
        edges: Array<{ node: { id: string; preferredName: string } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const page: GraphQLResponse<Page> = await ask<Page>(
      "victims",
      ngo,
      "query ($after: String) { victims(first: 100, after: $after) { edges { node { id preferredName } } pageInfo { hasNextPage endCursor } } }",
      { after },
    );
    expect(page.errors).toBeUndefined();
    for (const edge of page.data!.victims.edges) present.set(edge.node.preferredName, edge.node.id);
    more = page.data!.victims.pageInfo.hasNextPage;
    after = page.data!.victims.pageInfo.endCursor;
  }
  const missing = [...outcome.registered].filter(([marker, id]) => present.get(marker) !== id);
  expect(missing).toEqual([]);
  const attempted = new Set(outcome.attemptedMarkers);
  const survivors = [...present].filter(([marker]) => attempted.has(marker));
  for (const [, id] of survivors) {
    expect(
      (await trailOf(ask, ngo, id)).some(
        (entry) => entry.action.includes("registerVictim") && entry.victimIds.includes(id),
      ),
    ).toBe(true);
  }
  // Consents: acknowledged ones are there; any there has its audit entry.
  for (const victimId of fixture.forConsent) {
    const found = await ask<{ victim: { consents: Array<{ kind: string; granted: boolean }> } }>(
      "victims",
      ngo,
      "query ($id: ID!) { victim(id: $id) { consents { kind granted } } }",
      { id: victimId },
    );
    expect(found.errors).toBeUndefined();
    const recorded = found.data!.victim.consents.some(
      (consent) => consent.kind === "SHELTER_SHARING" && consent.granted,
    );
    if (outcome.consented.has(victimId)) expect(recorded).toBe(true);
    if (recorded)
      expect((await trailOf(ask, ngo, victimId)).some((entry) => entry.action.includes("recordConsent"))).toBe(true);
  }
  // Placements: acknowledged ones are there; beds counted match the people placed, never over capacity.
  for (const shelterId of fixture.shelterIds) {
    const shelter = await ask<{
      shelter: { capacity: number; freeBeds: number; residents: Array<{ victim: { id: string } }> };
    }>(
      "shelters",
      government,
      "query ($id: ID!) { shelter(id: $id) { capacity freeBeds residents { victim { id } } } }",
      { id: shelterId },
    );
    expect(shelter.errors).toBeUndefined();
    const { capacity, freeBeds, residents } = shelter.data!.shelter;
    expect(residents.length).toBeLessThanOrEqual(capacity);
    expect(freeBeds).toBe(capacity - residents.length);
    const staying = new Set(residents.map((resident) => resident.victim.id));
    for (const [victimId, placedIn] of outcome.placed)
      if (placedIn === shelterId) expect(staying.has(victimId)).toBe(true);
    for (const victimId of staying)
      expect((await trailOf(ask, ngo, victimId)).some((entry) => entry.action.includes("placeVictim"))).toBe(true);
  }
  // Every audit chain verifies.
  const chains = await ask<{ verifyAuditChain: Array<{ subgraph: string; intact: boolean; problem: string | null }> }>(
    "victims",
    auditor,
    "{ verifyAuditChain { subgraph intact problem } }",
  );
  expect(chains.errors).toBeUndefined();
  expect(chains.data!.verifyAuditChain.filter((chain) => !chain.intact)).toEqual([]);
}

const backend = process.env.TEST_DATABASE_URL ? "the PostgreSQL server" : "embedded PGlite";

describe(`SIGKILL in the middle of concurrent writes (${backend})`, () => {
  it("of the victims and shelters subgraphs: after their restart every acknowledged write is there, none half-applied, chains intact, no shelter over capacity", async () => {
    const databases = await serverDatabases("crash_subgraphs");
    try {
      await withStandaloneHub(
        {
          basePort: testPort(65),
          subgraphs: ["victims", "shelters", "embassies", "repatriation"],
          databaseUrls: databases.urls,
        },
        async (hub) => {
          const ask: Ask = (target, persona, query, variables) => hub.ask(target, persona, query, variables);
          const fixture = await prepare(ask, `sub${Date.now() % 100000}`);
          const outcome = await writeThrough(ask, fixture, "subgraphs", async () => {
            await Promise.all([hub.stop("victims", "SIGKILL"), hub.stop("shelters", "SIGKILL")]);
          });
          await hub.start("victims");
          await hub.start("shelters");
          await verifyAfterRestart(ask, fixture, outcome);
        },
      );
    } finally {
      await databases.drop();
    }
  }, 120_000);

  it("of the whole hub (supervisor and children at once): after `npm start` again every acknowledged write is there, none half-applied, chains intact, no shelter over capacity", async () => {
    const databases = await serverDatabases("crash_hub");
    const dataDir = makeDataDir();
    const env = supervisedEnv(testPort(70), dataDir, databases.urls);
    const gateway = `http://127.0.0.1:${testPort(70)}/graphql`;
    const ask: Ask = (_target, persona, query, variables) => askAt(gateway, dataDir, persona, query, variables);
    let hub = startSupervisor(env);
    try {
      await waitSupervisorReady(hub);
      const fixture = await prepare(ask, `hub${Date.now() % 100000}`);
      const outcome = await writeThrough(ask, fixture, "hub", async () => {
        killGroup(hub.process.child.pid!);
        await hub.exited;
      });
      // The children died with the supervisor: their locks are stale, and taken over.
      hub = startSupervisor(env);
      await waitSupervisorReady(hub);
      await verifyAfterRestart(ask, fixture, outcome);
    } finally {
      await stopSupervisor(hub);
      fs.rmSync(dataDir, { recursive: true, force: true });
      await databases.drop();
    }
  }, 150_000);
});
