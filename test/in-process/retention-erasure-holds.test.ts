/**
 * Retention meets erasure and the legal hold (issue #20; docs/data-lifecycle.md "Closed cases
 * and whole-person erasure", "Legal holds and retention"), on real databases of the four
 * subgraphs with the demo release. The victims subgraph's order answers run on its database
 * (inProcessOrders: the same parse and answers as over HTTP; the HTTP gate is the attack
 * test's, test/attacks/retention-orders.test.ts):
 *
 * - a closed repatriation case past its period hands its person to the victims subgraph,
 *   which tombstones the case and queues the erasure order for every other subgraph; the
 *   orders delivered, the person is erased everywhere, once, under the retention job's actor;
 * - a person under a legal hold keeps every record each kind would erase, until it is lifted;
 * - with the victims subgraph unreachable (a real order to a port nobody listens on) every
 *   other subgraph's kind erases nothing, says so in its report and metric, and a later run does;
 * - every audit chain still verifies.
 */
import path from "node:path";
import { CLOSED_JOURNEYS } from "../../contracts/closed-journeys";
import { ERASURE_ORDER } from "../../contracts/erasure-order";
import { verifyChain } from "../../platform/audit/trail";
import { ensureDevRequestSigningKey } from "../../platform/auth/keys";
import { createRequestSigner } from "../../platform/auth/request-signature";
import { createServiceCredentials, loadServiceSecret } from "../../platform/auth/service-credentials";
import { inProcessOrders, order } from "../../platform/internal-api";
import { createLogger } from "../../platform/logger";
import { retentionBlocked } from "../../platform/metrics";
import { RETENTION_ACTOR, runRetention, type OrderSender, type RetentionReport } from "../../platform/retention";
import { SUBGRAPH_NAMES, type SubgraphName } from "../../subgraphs/index";
import { subgraphModule } from "../../subgraphs/modules";
import { testPort } from "../support/state";
import { openDemoDatabases, START_TIMEOUT_MS, type DemoDatabases } from "./harness";

/** The runs' log lines (JSON), to read what a blocked kind says. */
const logLines: string[] = [];
const log = createLogger("retention-wire-test", "warn", "json", { write: (line: string) => void logLines.push(line) });
const DEFAULTS = { periods: new Map<string, number | null>() };
/** Nobody listens here: the victims subgraph is down. */
const VICTIMS_DOWN_URL = `http://127.0.0.1:${testPort(104)}/graphql`;

let demo: DemoDatabases;
/** People a test has used: each test's people are its own. */
const used = new Set<string>();

function db(name: SubgraphName) {
  return demo.opened.get(name)!.dataSource;
}

/** The victims subgraph's order answers, on its database, for `asker`. */
function victimsUp(asker: SubgraphName): OrderSender {
  return inProcessOrders(subgraphModule("victims").routes ?? [], db("victims"), "victims", asker);
}

/** Real orders over HTTP, with `asker`'s own credential and signature, to a victims subgraph that is down. */
function victimsDown(asker: SubgraphName): OrderSender {
  const keyDir = path.join(demo.scratch, "keys");
  const client = {
    self: asker,
    peers: { victims: VICTIMS_DOWN_URL },
    services: createServiceCredentials(asker, loadServiceSecret({ devKeyDir: keyDir })),
    requestSigner: createRequestSigner(asker, ensureDevRequestSigningKey(keyDir, asker)),
  };
  return (route, request, peer) => order(client, route, request, peer, "retention-wire-test");
}

function run(name: SubgraphName, orders: OrderSender | undefined): Promise<RetentionReport> {
  return runRetention(db(name), subgraphModule(name).retention!.kinds, {
    subgraph: name,
    settings: DEFAULTS,
    dryRun: false,
    log,
    holds: subgraphModule(name).retention!.holds,
    orders,
  });
}

/** A record of `kind` made due (past its default period), about a person no other test uses. */
interface Due {
  subgraph: SubgraphName;
  recordId: string;
  personId: string;
}

async function freshPerson(name: SubgraphName, sql: string): Promise<{ id: string; person: string }> {
  const rows: Array<{ id: string; person: string }> = await db(name).query(sql);
  const victims: Array<{ id: string }> = await db("victims").query(
    `SELECT id FROM victim WHERE erased_at IS NULL AND id = ANY($1::uuid[])`,
    [rows.map((row) => row.person)],
  );
  const known = new Set(victims.map((row) => row.id));
  const found = rows.find((row) => known.has(row.person) && !used.has(row.person));
  if (!found) throw new Error(`no fresh person with a record in ${name}`);
  used.add(found.person);
  return found;
}

const makeDue: Record<string, () => Promise<Due>> = {
  async closed_referral() {
    const { id, person } = await freshPerson(
      "victims",
      `SELECT id, victim_id AS person FROM referral WHERE retention_erased_at IS NULL ORDER BY id`,
    );
    await db("victims").query(
      `UPDATE referral SET status = 'DECLINED', decided_at = now() - interval '400 days', purpose = 'a placement' WHERE id = $1`,
      [id],
    );
    return { subgraph: "victims", recordId: id, personId: person };
  },
  async expired_travel_document() {
    const { id, person } = await freshPerson(
      "embassies",
      `SELECT id, victim_id AS person FROM travel_document WHERE retention_erased_at IS NULL ORDER BY id`,
    );
    await db("embassies").query(
      `UPDATE travel_document SET issued_on = current_date - 400, expires_on = current_date - 200 WHERE id = $1`,
      [id],
    );
    return { subgraph: "embassies", recordId: id, personId: person };
  },
  async ended_placement() {
    const { id, person } = await freshPerson(
      "shelters",
      `SELECT id, victim_id AS person FROM placement WHERE victim_id IS NOT NULL AND ended_at IS NOT NULL ORDER BY id`,
    );
    await db("shelters").query(
      `UPDATE placement SET placed_at = now() - interval '430 days', ended_at = now() - interval '400 days' WHERE id = $1`,
      [id],
    );
    return { subgraph: "shelters", recordId: id, personId: person };
  },
  async closed_repatriation() {
    const { id, person } = await freshPerson(
      "repatriation",
      `SELECT id, victim_id AS person FROM repatriation_case WHERE retention_erased_at IS NULL AND status NOT IN ('ARRIVED', 'CANCELLED') ORDER BY id`,
    );
    await db("repatriation").query(
      `UPDATE repatriation_case SET status = 'ARRIVED', escort_needs = 'a nurse on the flight' WHERE id = $1`,
      [id],
    );
    await db("repatriation").query(
      `INSERT INTO repatriation_transition (case_id, from_status, to_status, by_org, by_role, by_sub, at)
       VALUES ($1, 'DEPARTED', 'ARRIVED', 'repatriation-agency', 'repatriation', 'agent-1', now() - interval '400 days')`,
      [id],
    );
    return { subgraph: "repatriation", recordId: id, personId: person };
  },
};

const TABLE: Record<SubgraphName, string> = {
  victims: "referral",
  embassies: "travel_document",
  shelters: "placement",
  repatriation: "repatriation_case",
};

async function erasedByRetention(due: Due): Promise<boolean> {
  const [row]: Array<{ erased: boolean }> = await db(due.subgraph).query(
    `SELECT retention_erased_at IS NOT NULL AS erased FROM ${TABLE[due.subgraph]} WHERE id = $1`,
    [due.recordId],
  );
  return row.erased;
}

async function erasureRequests(personId: string) {
  return db("victims").query<Array<{ reason: string; requested_by_sub: string; requested_by_role: string }>>(
    `SELECT reason, requested_by_sub, requested_by_role FROM erasure_request WHERE victim_id = $1`,
    [personId],
  );
}

async function placeHold(personId: string): Promise<void> {
  await db("victims").query(
    `INSERT INTO legal_hold (victim_id, reason, placed_by_org, placed_by_sub) VALUES ($1, 'evidence for a prosecution', 'gov-mdt', 'gov-user')`,
    [personId],
  );
}

async function liftHold(personId: string): Promise<void> {
  await db("victims").query(
    `UPDATE legal_hold SET lifted_at = now(), lifted_by_org = 'gov-mdt', lifted_by_sub = 'gov-user', lift_reason = 'trial over'
      WHERE victim_id = $1 AND lifted_at IS NULL`,
    [personId],
  );
}

/** Delivers the victims outbox's orders for `personId` as its worker would, each to its subgraph's own answer. */
async function deliverOutbox(personId: string): Promise<string[]> {
  const deliveries: Array<{ erasure_id: string; subgraph: SubgraphName; request_id: string }> = await db(
    "victims",
  ).query(
    `SELECT d.erasure_id, d.subgraph, r.request_id FROM erasure_delivery d JOIN erasure_request r ON r.id = d.erasure_id
      WHERE r.victim_id = $1 ORDER BY d.subgraph`,
    [personId],
  );
  for (const delivery of deliveries) {
    const subgraph = delivery.subgraph;
    const send = inProcessOrders(subgraphModule(subgraph).routes ?? [], db(subgraph), subgraph, "victims");
    await send(
      ERASURE_ORDER,
      { erasureId: delivery.erasure_id, victimId: personId, actor: { ...RETENTION_ACTOR } },
      subgraph,
    );
  }
  return deliveries.map((delivery) => delivery.subgraph);
}

async function erasedIn(name: SubgraphName, personId: string): Promise<boolean> {
  const rows: unknown[] = await db(name).query(`SELECT 1 FROM erasure_log WHERE subject_id = $1`, [personId]);
  return rows.length > 0;
}

async function blockedCount(kind: string): Promise<number> {
  const { values } = await retentionBlocked.get();
  return values.find((value) => value.labels.kind === kind && value.labels.reason === "holds_unavailable")?.value ?? 0;
}

beforeAll(async () => {
  demo = await openDemoDatabases("retention-wire");
  // Nothing of the demo release is due: only what each test makes due is.
  await db("victims").query(`UPDATE referral SET decided_at = now() WHERE status IN ('DECLINED', 'REVOKED')`);
  await db("embassies").query(
    `UPDATE travel_document SET issued_on = current_date - 60, expires_on = current_date + 30`,
  );
  await db("repatriation").query(
    `UPDATE repatriation_transition SET at = now() - interval '1 day' WHERE to_status IN ('ARRIVED', 'CANCELLED')`,
  );
  await db("repatriation").query(
    `UPDATE repatriation_case SET updated_at = now() - interval '1 day' WHERE status IN ('ARRIVED', 'CANCELLED')`,
  );
  await db("shelters").query(
    `UPDATE placement SET placed_at = LEAST(placed_at, now() - interval '2 days'), ended_at = now() - interval '1 day' WHERE ended_at IS NOT NULL`,
  );
  // An ended stay of a known person for the placement tests (the demo release may end none).
  await db("shelters").query(
    `UPDATE placement SET ended_at = now() - interval '1 day', end_reason = 'REPATRIATED'
      WHERE id IN (SELECT id FROM placement WHERE ended_at IS NULL AND victim_id IS NOT NULL ORDER BY id LIMIT 3)`,
  );
}, START_TIMEOUT_MS);

afterAll(() => demo?.close());

describe("a closed repatriation case past its period", () => {
  it("leads to the person's tombstone in victims and, the outbox delivered, the erasure in every subgraph, once", async () => {
    const due = await makeDue.closed_repatriation();
    const report = await run("repatriation", victimsUp("repatriation"));
    expect(report.kinds[0]).toMatchObject({ kind: "closed_repatriation", erased: 1, held: 0, blocked: null });
    expect(await erasedByRetention(due)).toBe(true);
    expect(await erasureRequests(due.personId)).toEqual([
      {
        reason: expect.stringMatching(/^retention:closed_repatriation: .*period 365 days/) as unknown as string,
        requested_by_sub: RETENTION_ACTOR.sub,
        requested_by_role: RETENTION_ACTOR.role,
      },
    ]);
    const [victim]: Array<{ erased: boolean; legal_name: string | null }> = await db("victims").query(
      `SELECT erased_at IS NOT NULL AS erased, legal_name FROM victim WHERE id = $1`,
      [due.personId],
    );
    expect(victim).toEqual({ erased: true, legal_name: null });
    expect(await deliverOutbox(due.personId)).toEqual(["embassies", "repatriation", "shelters"]);
    for (const name of SUBGRAPH_NAMES)
      expect({ name, erased: await erasedIn(name, due.personId) }).toEqual({ name, erased: true });
    // Audited in every subgraph under the retention job's actor, by id and field names.
    for (const name of SUBGRAPH_NAMES) {
      const entries: Array<{ actor_sub: string; actor_role: string }> = await db(name).query(
        `SELECT actor_sub, actor_role FROM audit_entry WHERE action = 'eraseSubject' AND $1::uuid = ANY(victim_ids)`,
        [due.personId],
      );
      expect({ name, entries }).toEqual({ name, entries: [{ actor_sub: RETENTION_ACTOR.sub, actor_role: "system" }] });
    }
    // Idempotent: a second hand-over of the same fact (a run that died before its commit) starts nothing new.
    const again = await victimsUp("repatriation")(
      CLOSED_JOURNEYS,
      { kind: "closed_repatriation", days: 365, cutoff: new Date().toISOString(), victimIds: [due.personId] },
      "victims",
    );
    expect(again).toEqual({ taken: [due.personId], held: [] });
    expect(await erasureRequests(due.personId)).toHaveLength(1);
    expect((await run("repatriation", victimsUp("repatriation"))).kinds[0].records).toEqual([]);
  });
});

describe("a legal hold blocks retention in every subgraph", () => {
  it.each(["closed_referral", "expired_travel_document", "ended_placement", "closed_repatriation"])(
    "%s: nothing of a person under hold is erased until the hold is lifted",
    async (kind) => {
      const due = await makeDue[kind]();
      await placeHold(due.personId);
      const held = await run(due.subgraph, victimsUp(due.subgraph));
      expect(held.kinds[0]).toMatchObject({ kind, erased: 0, held: 1, blocked: null });
      expect(await erasedByRetention(due)).toBe(false);
      expect(await erasureRequests(due.personId)).toEqual([]);
      for (const name of SUBGRAPH_NAMES) expect(await erasedIn(name, due.personId)).toBe(false);
      // Still due at the next run, and erased once the hold is lifted.
      await liftHold(due.personId);
      const lifted = await run(due.subgraph, victimsUp(due.subgraph));
      expect(lifted.kinds[0]).toMatchObject({ kind, erased: 1, held: 0 });
      expect(await erasedByRetention(due)).toBe(true);
      expect((await erasureRequests(due.personId)).length).toBe(kind === "closed_repatriation" ? 1 : 0);
    },
  );
});

describe("with the victims subgraph down", () => {
  it("every other subgraph's kind erases nothing, says so in its report and metric, and a later run does", async () => {
    const dues = [
      await makeDue.expired_travel_document(),
      await makeDue.ended_placement(),
      await makeDue.closed_repatriation(),
    ];
    for (const due of dues) {
      const kind = subgraphModule(due.subgraph).retention!.kinds[0].name;
      const before = await blockedCount(kind);
      logLines.length = 0;
      const report = await run(due.subgraph, victimsDown(due.subgraph));
      const said = logLines.map((line) => JSON.parse(line) as { kind?: string; msg: string; due?: number });
      expect(said).toContainEqual(
        expect.objectContaining({
          kind,
          due: 1,
          msg: "retention: the legal holds could not be learned; this kind erases nothing this run",
        }),
      );
      // Counts and the kind only: never the person.
      expect(logLines.join("")).not.toContain(due.personId);
      expect(report.kinds[0]).toMatchObject({ kind, erased: 0, records: [], blocked: "holds_unavailable" });
      expect((await blockedCount(kind)) - before).toBe(1);
      expect(await erasedByRetention(due)).toBe(false);
      // No way to ask at all (no orders): the same.
      expect((await run(due.subgraph, undefined)).kinds[0]).toMatchObject({ erased: 0, blocked: "holds_unavailable" });
    }
    const closed = dues[2];
    expect(await erasureRequests(closed.personId)).toEqual([]);
    for (const due of dues) {
      const report = await run(due.subgraph, victimsUp(due.subgraph));
      expect(report.kinds[0]).toMatchObject({ erased: 1, blocked: null });
      expect(await erasedByRetention(due)).toBe(true);
    }
    expect(await erasureRequests(closed.personId)).toHaveLength(1);
  });
});

describe("a hand-over the victims subgraph does not take", () => {
  it("the holds answered, then victims down: the closed case is not marked done and the next run hands it over", async () => {
    const due = await makeDue.closed_repatriation();
    const up = victimsUp("repatriation");
    const down = victimsDown("repatriation");
    // Victims answers the hold question, then goes down before the hand-over.
    const failingHandOver: OrderSender = (route, request, peer) =>
      route.path === CLOSED_JOURNEYS.path ? down(route, request, peer) : up(route, request, peer);
    const report = await run("repatriation", failingHandOver);
    expect(report.kinds[0]).toMatchObject({ erased: 0, records: [], blocked: "hand_over_unavailable" });
    expect(await erasedByRetention(due)).toBe(false);
    expect(await erasureRequests(due.personId)).toEqual([]);
    const later = await run("repatriation", up);
    expect(later.kinds[0]).toMatchObject({ erased: 1, blocked: null });
    expect(await erasureRequests(due.personId)).toHaveLength(1);
  });
});

describe("the audit trails", () => {
  it("every subgraph's chain still verifies", async () => {
    for (const name of SUBGRAPH_NAMES) {
      const chain = await verifyChain(db(name), name);
      expect({ name, intact: chain.intact, problem: chain.problem }).toEqual({ name, intact: true, problem: null });
    }
  });
});
