/**
 * Retention (platform/retention.ts, each subgraph's retention.ts, scripts/retention.ts) on
 * real databases of the four subgraphs with the demo release: the dates of a few records
 * are set directly, older and younger than each kind's period; `npm run retention --
 * --dry-run` must list exactly the older ones, the run must erase exactly those (and only
 * their personal fields), audit it under the system actor with ids and field names only,
 * keep the chain verifiable and the statistics unchanged, do nothing the second time, and
 * erase once when two runs meet on one database.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { verifyChain } from "../../platform/audit/trail";
import { callerFromClaims } from "../../platform/auth/tokens";
import { databaseUrlVariable } from "../../platform/config";
import { inProcessOrders, type AskingContext, type RouteAnswer, type RouteQuestion } from "../../platform/internal-api";
import { openDatabase, type Database } from "../../platform/database";
import { createLogger } from "../../platform/logger";
import { retentionErased } from "../../platform/metrics";
import {
  RETENTION_ACTOR,
  retentionErasedAny,
  runRetention,
  scheduleRetention,
  type RetentionKind,
  type RetentionReport,
} from "../../platform/retention";
import { SUBGRAPH_NAMES, type SubgraphName } from "../../subgraphs/index";
import { subgraphModule } from "../../subgraphs/modules";
import { journeysRoute } from "../../subgraphs/repatriation/statistics-route";
import { staysRoute } from "../../subgraphs/shelters/statistics-route";
import { createErasureScrubber } from "../../platform/erasure";
import { filesHolding } from "../support/erasure";
import { openDemoDatabases, START_TIMEOUT_MS, type DemoDatabases } from "./harness";

const ROOT = path.resolve(__dirname, "..", "..");
const usingServer = Boolean(process.env.TEST_DATABASE_URL);
const log = createLogger("retention-test", "warn");
const government = callerFromClaims({ sub: "gov-user", org: "gov-mdt", role: "government" });

/** Personal values the arrangement writes: none may appear in an audit entry or the script's output. */
const ESCORT_NEEDS = "wheelchair and a nurse for the flight";
const RECEIVING_ORGANISATION = "Reception family of the returnee";

let demo: DemoDatabases;
/** Per subgraph, the ids the arrangement made due and those it made too young (or not of the kind). */
const due = new Map<SubgraphName, string[]>();
const kept = new Map<SubgraphName, string[]>();

function db(name: SubgraphName) {
  return demo.opened.get(name)!.dataSource;
}

function kindsOf(name: SubgraphName): readonly RetentionKind[] {
  return subgraphModule(name).retention!.kinds;
}

/**
 * What a run of `name` learns holds and hands closed cases over with: the victims subgraph's
 * own table there, its order answers (on the victims database) elsewhere.
 */
function holdsOf(name: SubgraphName) {
  return {
    holds: subgraphModule(name).retention!.holds,
    orders:
      name === "victims"
        ? undefined
        : inProcessOrders(subgraphModule("victims").routes ?? [], db("victims"), "victims", name),
  };
}

/** The default periods: what a hub started with no retention settings applies. */
const DEFAULTS = { periods: new Map<string, number | null>() };

async function ids(name: SubgraphName, sql: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await db(name).query(sql);
  return rows.map((row) => row.id);
}

/** Every closed referral decided just now; then two closed long enough ago, one too recently, one open and old. */
async function arrangeReferrals(): Promise<void> {
  const victims = db("victims");
  await victims.query(`UPDATE referral SET decided_at = now() WHERE status IN ('DECLINED', 'REVOKED')`);
  const [open] = await ids(
    "victims",
    `SELECT id FROM referral WHERE status IN ('PENDING', 'ACCEPTED') ORDER BY id LIMIT 1`,
  );
  // Closing an open referral is always allowed by the one-open-referral index; the fourth stays open.
  const [declined, revoked, recent] = await ids(
    "victims",
    `SELECT id FROM referral WHERE id <> '${open}' ORDER BY id DESC LIMIT 3`,
  );
  const set = (id: string, status: string, daysAgo: number) =>
    victims.query(
      `UPDATE referral SET status = $2, decided_at = now() - make_interval(days => $3), purpose = 'placement in a shelter' WHERE id = $1`,
      [id, status, daysAgo],
    );
  await set(declined, "DECLINED", 91);
  await set(revoked, "REVOKED", 400);
  await set(recent, "DECLINED", 89);
  await set(open, "ACCEPTED", 400);
  due.set("victims", [declined, revoked]);
  kept.set("victims", [recent, open]);
}

/** Every document valid; then one expired 100 days ago (due after 90), one 80 days ago. */
async function arrangeTravelDocuments(): Promise<void> {
  const embassies = db("embassies");
  await embassies.query(`UPDATE travel_document SET issued_on = current_date - 60, expires_on = current_date + 30`);
  const [old, recent] = await ids("embassies", `SELECT id FROM travel_document ORDER BY id LIMIT 2`);
  const expire = (id: string, daysAgo: number) =>
    embassies.query(
      `UPDATE travel_document SET expires_on = current_date - $2::int, issued_on = current_date - $2::int - 90 WHERE id = $1`,
      [id, daysAgo],
    );
  await expire(old, 100);
  await expire(recent, 80);
  due.set("embassies", [old]);
  kept.set("embassies", [recent]);
}

/** Every closed case closed yesterday; then one ARRIVED 400 days ago (due after 365), one CANCELLED 300 days ago. */
async function arrangeRepatriationCases(): Promise<void> {
  const repatriation = db("repatriation");
  await repatriation.query(
    `UPDATE repatriation_transition SET at = now() - interval '1 day' WHERE to_status IN ('ARRIVED', 'CANCELLED')`,
  );
  await repatriation.query(
    `UPDATE repatriation_case SET updated_at = now() - interval '1 day' WHERE status IN ('ARRIVED', 'CANCELLED')`,
  );
  const [arrived, cancelled] = await ids(
    "repatriation",
    `SELECT id FROM repatriation_case WHERE status NOT IN ('ARRIVED', 'CANCELLED') ORDER BY id LIMIT 2`,
  );
  const close = async (id: string, status: string, daysAgo: number) => {
    await repatriation.query(
      `UPDATE repatriation_case SET status = $2, escort_needs = $3, escort_required = true, receiving_organisation = $4 WHERE id = $1`,
      [id, status, ESCORT_NEEDS, RECEIVING_ORGANISATION],
    );
    // The departure too: the journey statistics count from it (statistics-route.ts).
    await repatriation.query(
      `INSERT INTO repatriation_transition (case_id, from_status, to_status, by_org, by_role, by_sub, at)
       VALUES ($1, 'TRAVEL_BOOKED', 'DEPARTED', 'repatriation-agency', 'repatriation', 'agent-1', now() - make_interval(days => $3 + 2)),
              ($1, 'DEPARTED', $2, 'repatriation-agency', 'repatriation', 'agent-1', now() - make_interval(days => $3))`,
      [id, status, daysAgo],
    );
    await repatriation.query(
      `INSERT INTO journey_leg (case_id, sequence, mode, from_place, to_place, carrier)
       VALUES ($1, 1001, 'FLIGHT', 'Mae Sot', 'Manila', 'Carrier A'), ($1, 1002, 'BUS', 'Manila', 'Quezon City', NULL)`,
      [id],
    );
  };
  await close(arrived, "ARRIVED", 400);
  await close(cancelled, "CANCELLED", 300);
  due.set("repatriation", [arrived]);
  kept.set("repatriation", [cancelled]);
}

/** Every ended stay ended yesterday; then a stay ended 200 days ago (due after 180), one 100 days ago, and an old open one. */
async function arrangePlacements(): Promise<void> {
  const shelters = db("shelters");
  await shelters.query(
    `UPDATE placement SET placed_at = LEAST(placed_at, now() - interval '2 days'), ended_at = now() - interval '1 day' WHERE ended_at IS NOT NULL`,
  );
  const [shelter] = await ids("shelters", `SELECT id FROM shelter ORDER BY id LIMIT 1`);
  const ended = async (daysAgo: number) => {
    const [{ id }]: Array<{ id: string }> = await shelters.query(
      `INSERT INTO placement (victim_id, shelter_id, placed_at, ended_at, end_reason, placed_by_org, ended_by_org)
       VALUES (gen_random_uuid(), $1, now() - make_interval(days => $2 + 30), now() - make_interval(days => $2), 'REPATRIATED', 'ngo-lighthouse', $1)
       RETURNING id`,
      [shelter, daysAgo],
    );
    return id;
  };
  const old = await ended(200);
  const recent = await ended(100);
  const [open] = await ids("shelters", `SELECT id FROM placement WHERE ended_at IS NULL ORDER BY id LIMIT 1`);
  await shelters.query(`UPDATE placement SET placed_at = now() - interval '400 days' WHERE id = $1`, [open]);
  due.set("shelters", [old]);
  kept.set("shelters", [recent, open]);
}

/**
 * Runs scripts/retention.ts as `npm run retention` does, against these databases (their URLs).
 * Through ts-node, not tsx: type-graphql's decorators need the emitted type metadata, and
 * this tier runs without a build.
 */
async function retentionScript(args: string[], env: Record<string, string> = {}) {
  const urlEnv = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [databaseUrlVariable(name), demo.urls.get(name)!]));
  return promisify(execFile)(process.execPath, ["-r", "ts-node/register", "scripts/retention.ts", ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      TS_NODE_TRANSPILE_ONLY: "true",
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      HUB_DATA_DIR: demo.scratch,
      ...urlEnv,
      ...env,
    },
    timeout: 120_000,
  });
}

function recordIds(report: RetentionReport): string[] {
  return report.kinds.flatMap((kind) => kind.records.map((record) => record.id)).sort();
}

/** A route answered for a caller (not an order on the asker's own authority). */
function answerAsCaller(answer: RouteAnswer, question: RouteQuestion<unknown>): Promise<unknown> {
  if (answer.authority === "asker") throw new Error(`${answer.route.path} is an order, not a caller's question`);
  return answer.answer(question);
}

async function statistics() {
  // The statistics routes ask no peer: a client with no peers and no credentials makes any question fail.
  const asking = {
    serviceClient: { self: "victims", peers: {} } as unknown as AskingContext["serviceClient"],
    authorization: "",
    requestId: "retention-test",
  };
  const question = { caller: government, request: {}, asker: "victims", asking };
  return {
    journeys: await answerAsCaller(journeysRoute, { ...question, db: db("repatriation"), self: "repatriation" }),
    stays: await answerAsCaller(staysRoute, { ...question, db: db("shelters"), self: "shelters" }),
    beds: await db("shelters").query(`SELECT id, occupied_beds FROM shelter ORDER BY id`),
  };
}

/** hub_retention_erased_total{kind} of this process (the runs here are in it). */
async function erasedCount(kind: string): Promise<number> {
  const { values } = await retentionErased.get();
  return values.find((value) => value.labels.kind === kind)?.value ?? 0;
}

async function retentionEntries(name: SubgraphName) {
  return db(name).query<
    Array<{
      actor_sub: string;
      actor_org: string;
      actor_role: string;
      action: string;
      victim_ids: string[];
      fields: string[];
    }>
  >(
    `SELECT actor_sub, actor_org, actor_role, kind, action, outcome, operation, victim_ids::text[] AS victim_ids, fields
       FROM audit_entry WHERE operation = 'retention' ORDER BY seq`,
  );
}

beforeAll(async () => {
  demo = await openDemoDatabases("retention");
  await arrangeReferrals();
  await arrangeTravelDocuments();
  await arrangeRepatriationCases();
  await arrangePlacements();
}, START_TIMEOUT_MS);

afterAll(() => demo?.close());

describe("retention jobs", () => {
  let dryRun: RetentionReport[];
  let statisticsBefore: Awaited<ReturnType<typeof statistics>>;

  it("each subgraph declares its kinds, and a dry run lists exactly the records past their period", async () => {
    for (const name of SUBGRAPH_NAMES) {
      const report = await runRetention(db(name), kindsOf(name), {
        subgraph: name,
        settings: DEFAULTS,
        dryRun: true,
        log,
        ...holdsOf(name),
      });
      expect({ name, ids: recordIds(report), erased: report.kinds.map((kind) => kind.erased) }).toEqual({
        name,
        ids: [...due.get(name)!].sort(),
        erased: report.kinds.map(() => 0),
      });
    }
    // The dry run changed nothing.
    expect(
      await db("victims").query(
        `SELECT count(*)::int AS n FROM referral WHERE purpose IS NULL OR retention_erased_at IS NOT NULL`,
      ),
    ).toEqual([{ n: 0 }]);
  });

  it("`npm run retention -- --dry-run` lists the same records by id, person, case number and date, and no personal data", async () => {
    const { stdout } = await retentionScript(["--dry-run", "--json"]);
    dryRun = JSON.parse(stdout) as RetentionReport[];
    expect(dryRun.map((report) => report.subgraph)).toEqual([...SUBGRAPH_NAMES]);
    for (const report of dryRun)
      expect(recordIds(report)).toEqual([...due.get(report.subgraph as SubgraphName)!].sort());
    const referrals = dryRun.find((report) => report.subgraph === "victims")!.kinds[0].records;
    const caseNumbers: Array<{ case_number: string }> = await db("victims").query(
      `SELECT v.case_number FROM referral r JOIN victim v ON v.id = r.victim_id WHERE r.id = ANY($1::uuid[]) ORDER BY r.decided_at`,
      [due.get("victims")],
    );
    expect(referrals.map((record) => record.caseNumber)).toEqual(caseNumbers.map((row) => row.case_number));

    const { stdout: text } = await retentionScript(["--dry-run"]);
    for (const id of SUBGRAPH_NAMES.flatMap((name) => due.get(name)!)) expect(text).toContain(id);
    const names: Array<{ legal_name: string | null; preferred_name: string | null }> = await db("victims").query(
      `SELECT legal_name, preferred_name FROM victim`,
    );
    const personal = [
      ESCORT_NEEDS,
      RECEIVING_ORGANISATION,
      "placement in a shelter",
      ...names
        .flatMap((row) => [row.legal_name, row.preferred_name])
        .filter((value): value is string => Boolean(value)),
    ];
    for (const output of [text, stdout]) for (const value of personal) expect(output).not.toContain(value);
  });

  it("the run erases exactly what the dry run listed, only its personal fields, and keeps what is younger or open", async () => {
    statisticsBefore = await statistics();
    const numbers: Array<{ number: string }> = await db("embassies").query(
      `SELECT number FROM travel_document WHERE id = ANY($1::uuid[])`,
      [due.get("embassies")],
    );
    const { stdout } = await retentionScript(["--json"]);
    const run = JSON.parse(stdout) as RetentionReport[];
    for (const [index, report] of run.entries()) {
      expect(recordIds(report)).toEqual(recordIds(dryRun[index]));
      expect(report.kinds.map((kind) => kind.erased)).toEqual(report.kinds.map((kind) => kind.records.length));
    }

    const referrals: Array<{ id: string; purpose: string | null; status: string }> = await db("victims").query(
      `SELECT id, purpose, status FROM referral WHERE id = ANY($1::uuid[])`,
      [[...due.get("victims")!, ...kept.get("victims")!]],
    );
    for (const referral of referrals) {
      expect({ id: referral.id, erased: referral.purpose === null }).toEqual({
        id: referral.id,
        erased: due.get("victims")!.includes(referral.id),
      });
      expect(["DECLINED", "REVOKED", "ACCEPTED"]).toContain(referral.status);
    }

    const documents: Array<{ id: string; number: string | null; expires_on: string }> = await db("embassies").query(
      `SELECT id, number, expires_on::text FROM travel_document WHERE id = ANY($1::uuid[])`,
      [[...due.get("embassies")!, ...kept.get("embassies")!]],
    );
    for (const document of documents) {
      expect(document.number === null).toBe(due.get("embassies")!.includes(document.id));
      expect(document.expires_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    // The erased number is gone from the table, not only from its row.
    expect(
      await db("embassies").query(`SELECT count(*)::int AS n FROM travel_document WHERE number = $1`, [
        numbers[0].number,
      ]),
    ).toEqual([{ n: 0 }]);

    const cases: Array<{
      id: string;
      status: string;
      destination_country: string;
      escort_needs: string | null;
      escort_required: boolean | null;
      receiving_organisation: string | null;
      legs: number;
    }> = await db("repatriation").query(
      `SELECT c.id, c.status, c.destination_country, c.escort_needs, c.escort_required, c.receiving_organisation,
              (SELECT count(*)::int FROM journey_leg l WHERE l.case_id = c.id) AS legs
         FROM repatriation_case c WHERE c.id = ANY($1::uuid[])`,
      [[...due.get("repatriation")!, ...kept.get("repatriation")!]],
    );
    for (const found of cases) {
      const erased = due.get("repatriation")!.includes(found.id);
      expect({ ...found, id: undefined, destination_country: undefined }).toEqual(
        erased
          ? { status: "ARRIVED", escort_needs: null, escort_required: null, receiving_organisation: null, legs: 0 }
          : {
              status: "CANCELLED",
              escort_needs: ESCORT_NEEDS,
              escort_required: true,
              receiving_organisation: RECEIVING_ORGANISATION,
              legs: 2,
            },
      );
      expect(found.destination_country).toMatch(/^[A-Z]{2}$/);
    }

    const placements: Array<{ id: string; victim_id: string | null; shelter_id: string; ended_at: Date | null }> =
      await db("shelters").query(
        `SELECT id, victim_id, shelter_id, ended_at FROM placement WHERE id = ANY($1::uuid[])`,
        [[...due.get("shelters")!, ...kept.get("shelters")!]],
      );
    for (const placement of placements) {
      expect(placement.victim_id === null).toBe(due.get("shelters")!.includes(placement.id));
      expect(placement.shelter_id).toBeTruthy();
    }
    expect(placements.find((placement) => due.get("shelters")!.includes(placement.id))!.ended_at).not.toBeNull();
  });

  it("statistics still count every journey and stay the same way, and no bed changed", async () => {
    // After an erasure, not instead of one: the closed case and the ended stay did lose their details.
    expect(
      await db("repatriation").query(
        `SELECT count(*)::int AS n FROM repatriation_case WHERE id = ANY($1::uuid[]) AND retention_erased_at IS NOT NULL`,
        [due.get("repatriation")],
      ),
    ).toEqual([{ n: 1 }]);
    expect(await statistics()).toEqual(statisticsBefore);
  });

  it("is audited under the system actor, by person ids and field names only, and every chain still verifies", async () => {
    for (const name of SUBGRAPH_NAMES) {
      const [kind] = kindsOf(name);
      const subjects: string[] = dryRun
        .find((report) => report.subgraph === name)!
        .kinds[0].records.map((record) => record.subjectId);
      expect(await retentionEntries(name)).toEqual([
        {
          actor_sub: RETENTION_ACTOR.sub,
          actor_org: RETENTION_ACTOR.org,
          actor_role: RETENTION_ACTOR.role,
          kind: "WRITE",
          action: `retention:${kind.name}`,
          outcome: "ALLOWED",
          operation: "retention",
          victim_ids: [...new Set(subjects)].sort(),
          fields: [...kind.erases].sort(),
        },
      ]);
      const chain = await verifyChain(db(name), name);
      expect({ name, intact: chain.intact, problem: chain.problem }).toEqual({ name, intact: true, problem: null });
    }
    const everything = JSON.stringify(await db("repatriation").query(`SELECT * FROM audit_entry`));
    expect(everything).not.toContain(ESCORT_NEEDS);
    expect(everything).not.toContain(RECEIVING_ORGANISATION);
  });

  it("a second run finds nothing due, erases nothing and appends no audit entry", async () => {
    for (const name of SUBGRAPH_NAMES) {
      const entries = (await retentionEntries(name)).length;
      const report = await runRetention(db(name), kindsOf(name), {
        subgraph: name,
        settings: DEFAULTS,
        dryRun: false,
        log,
        ...holdsOf(name),
      });
      expect({ name, due: recordIds(report), erased: report.kinds.map((kind) => kind.erased) }).toEqual({
        name,
        due: [],
        erased: [0],
      });
      expect((await retentionEntries(name)).length).toBe(entries);
    }
  });

  it("a kind set to off, or a longer period, keeps what the default would erase", async () => {
    const victims = db("victims");
    const [id] = await ids(
      "victims",
      `SELECT id FROM referral WHERE purpose IS NOT NULL AND status = 'DECLINED' ORDER BY id LIMIT 1`,
    );
    await victims.query(`UPDATE referral SET decided_at = now() - interval '120 days' WHERE id = $1`, [id]);
    const dry = (periods: Map<string, number | null>) =>
      runRetention(victims, kindsOf("victims"), {
        subgraph: "victims",
        settings: { periods },
        dryRun: true,
        log,
        ...holdsOf("victims"),
      });
    expect(recordIds(await dry(new Map()))).toEqual([id]);
    expect(recordIds(await dry(new Map([["closed_referral", null]])))).toEqual([]);
    expect(recordIds(await dry(new Map([["closed_referral", 121]])))).toEqual([]);
    expect(recordIds(await dry(new Map([["closed_referral", 119]])))).toEqual([id]);
  });

  it("two runs at once on one database erase once: the second waits or steps aside (the retention lock)", async () => {
    const victims = db("victims");
    const [id] = await ids(
      "victims",
      `SELECT id FROM referral WHERE purpose IS NOT NULL AND status = 'DECLINED' ORDER BY id LIMIT 1`,
    );
    await victims.query(`UPDATE referral SET decided_at = now() - interval '120 days' WHERE id = $1`, [id]);
    // A second process's connection pool on the same database: a replica.
    const module = subgraphModule("victims");
    const replica = await openDatabase({
      name: "victims",
      url: demo.urls.get("victims"),
      dataDir: demo.scratch,
      poolSize: usingServer ? 4 : 1,
      entities: module.entities,
      migrations: module.migrations,
      logger: log,
    });
    try {
      // The kind, slowed after its due query: the runs overlap for certain.
      const [referrals] = kindsOf("victims");
      const slow: RetentionKind = {
        ...referrals,
        async due(manager, cutoff) {
          const records = await referrals.due(manager, cutoff);
          await new Promise((resolve) => setTimeout(resolve, 500));
          return records;
        },
      };
      const entries = (await retentionEntries("victims")).length;
      const dueNow = recordIds(
        await runRetention(victims, [referrals], {
          subgraph: "victims",
          settings: DEFAULTS,
          dryRun: true,
          log,
          ...holdsOf("victims"),
        }),
      );
      expect(dueNow).toContain(id);
      const run = (database: Database) =>
        runRetention(database.dataSource, [slow], {
          subgraph: "victims",
          settings: DEFAULTS,
          dryRun: false,
          log,
          ...holdsOf("victims"),
        });
      const erasedBefore = await erasedCount("closed_referral");
      const reports = await Promise.all([run(demo.opened.get("victims")!), run(replica)]);
      expect((await erasedCount("closed_referral")) - erasedBefore).toBe(dueNow.length);
      expect(reports.reduce((sum, report) => sum + report.kinds.reduce((n, kind) => n + kind.erased, 0), 0)).toBe(
        dueNow.length,
      );
      expect((await retentionEntries("victims")).length).toBe(entries + 1);
      // On a server the second gives up at once; PGlite is one session, whose transactions queue instead.
      if (usingServer) expect(reports.map((report) => report.skipped).sort()).toEqual([false, true]);
      expect((await verifyChain(victims, "victims")).intact).toBe(true);
    } finally {
      await replica.close();
    }
  });

  (usingServer ? it.skip : it)(
    "what a run erased leaves the database files once it is scrubbed, at the next start too, as an erasure's values do (PGlite files)",
    async () => {
      const victims = db("victims");
      const marker = `Zqretained ${randomBytes(6).toString("hex")}`;
      // A referral of its own, closed long ago (the other tests' arrangements may be gone by now).
      const inserted: Array<{ id: string }> = await victims.query(
        `INSERT INTO referral (victim_id, to_org, to_role, purpose, status, created_by_org, decided_at)
         SELECT id, 'ngo-retention-files', 'ngo', $1, 'DECLINED', owner_org, now() - interval '400 days'
           FROM victim WHERE erased_at IS NULL ORDER BY id LIMIT 1
         RETURNING id`,
        [marker],
      );
      expect(inserted).toHaveLength(1);
      await victims.query(`CHECKPOINT`);
      const files = path.join(demo.scratch, "db", "victims");
      expect(filesHolding(files, [marker]).length).toBeGreaterThan(0);
      const report = await runRetention(victims, kindsOf("victims"), {
        subgraph: "victims",
        settings: { periods: new Map() },
        dryRun: false,
        log,
        ...holdsOf("victims"),
      });
      expect(retentionErasedAny(report)).toBe(true);
      // Erased from the table, still in the files (the old row version, the WAL) until the scrub.
      expect(filesHolding(files, [marker]).length).toBeGreaterThan(0);
      // The scrub it owes is on record with the run, not in a process's memory: a scrubber made
      // afresh, as the next start makes it after a stop between the commit and the scrub, finds it.
      expect((await victims.query(`SELECT 1 FROM retention_scrub_owed`)).length).toBeGreaterThan(0);
      await createErasureScrubber(victims, subgraphModule("victims").erasure.tables, log, 0).scrubNow();
      expect(filesHolding(files, [marker])).toEqual([]);
      expect(await victims.query(`SELECT 1 FROM retention_scrub_owed`)).toHaveLength(0);
    },
  );

  (usingServer ? it.skip : it)(
    "refuses an embedded data directory a running process holds, naming it (PGlite only)",
    async () => {
      // The harness's database process holds demo.scratch/db/<subgraph> open, as a running hub would.
      const empty = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [databaseUrlVariable(name), ""]));
      const failed = await retentionScript(["--dry-run"], {
        ...empty,
        HUB_DATA_DIR: path.join(demo.scratch, "db"),
      }).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toMatch(/retention failed: .*(in use|held|process)/i);
    },
  );
});

describe("the retention schedule", () => {
  afterEach(() => jest.useRealTimers());

  it("runs first within the interval, then every interval give or take 10%, and not after stop", async () => {
    jest.useFakeTimers();
    let runs = 0;
    const schedule = scheduleRetention(10, async () => {
      runs += 1;
    });
    await jest.advanceTimersByTimeAsync(5 * 60_000);
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(11 * 60_000);
    expect(runs).toBe(2);
    await jest.advanceTimersByTimeAsync(11 * 60_000);
    expect(runs).toBe(3);
    await schedule.stop();
    await jest.advanceTimersByTimeAsync(60 * 60_000);
    expect(runs).toBe(3);
  });

  it("keeps its schedule after a failed run", async () => {
    jest.useFakeTimers();
    let runs = 0;
    const schedule = scheduleRetention(1, async () => {
      runs += 1;
      throw new Error("the database is down");
    });
    await jest.advanceTimersByTimeAsync(3 * 66_000);
    expect(runs).toBeGreaterThanOrEqual(3);
    await schedule.stop();
  });
});
