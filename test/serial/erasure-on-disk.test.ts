/**
 * Erased values are gone from a PostgreSQL server's files (docs/data-lifecycle.md): the
 * hub runs on a throwaway server of this test's own (test/support/throwaway-postgres.ts,
 * never the machine's) configured as the erasure guarantee needs (`wal_recycle=off`), a
 * person with marker values is written to every subgraph, and after the erasure and its
 * scrub no file of the server's data directory — tables, indexes, TOAST, pg_statistic,
 * the WAL — holds any marker. Before the erasure the same search finds them.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { Client } from "pg";
import { SUBGRAPH_NAMES, type SubgraphName } from "../../subgraphs/index";
import { PERSONAS } from "../support/hub";
import { ROOT } from "../support/processes";
import {
  ENCRYPTED_MARKERS,
  erasureProgress,
  filesHolding,
  markerValues,
  personEverywhere,
  REQUEST_ERASURE,
  until,
  type Ask,
} from "../support/erasure";
import { withStandaloneHub } from "../support/standalone";
import { databaseUrlOn, testPort } from "../support/state";
import {
  startThrowawayPostgres,
  throwawayPostgresUnavailable,
  type ThrowawayPostgres,
} from "../support/throwaway-postgres";

const owner = { role: "ngo", org: "ngo-erasure-on-disk" } as const;
const { government, embassyPH: embassy, repatriation } = PERSONAS;

const unavailable = throwawayPostgresUnavailable();
const TITLE = "erased values leave a PostgreSQL server's files";
(unavailable ? describe.skip : describe)(unavailable ? `${TITLE} (skipped: ${unavailable})` : TITLE, () => {
  let server: ThrowawayPostgres | undefined;
  const prefix = `hub_erasure_${Date.now()}_${process.pid}`;
  let databaseUrls: Record<SubgraphName, string>;

  beforeAll(async () => {
    execFileSync(
      process.execPath,
      [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
      { cwd: ROOT, stdio: "inherit" },
    );
    server = await startThrowawayPostgres({ settings: ["wal_recycle=off"] });
    const admin = new Client({ connectionString: server.url });
    await admin.connect();
    for (const subgraph of SUBGRAPH_NAMES) await admin.query(`CREATE DATABASE ${prefix}_${subgraph}`);
    await admin.end();
    databaseUrls = Object.fromEntries(
      SUBGRAPH_NAMES.map((subgraph) => [subgraph, databaseUrlOn(server!.url, `${prefix}_${subgraph}`)]),
    ) as Record<SubgraphName, string>;
  }, 180_000);

  afterAll(async () => {
    await server?.destroy();
  });

  it("finds the markers before the erasure and in no file after its scrub", async () => {
    const dataDir = server!.dataDir;
    await withStandaloneHub(
      {
        // The main tier's erasure-durability test uses this block too; the tiers never run at once.
        basePort: testPort(84),
        subgraphs: [...SUBGRAPH_NAMES],
        gateway: true,
        baseEnv: {
          NODE_ENV: "test",
          LOG_LEVEL: "warn",
          SEED_DEMO_DATA: "if-empty",
          GATEWAY_HOST: "127.0.0.1",
          HUB_ERASURE_POLL_MS: "200",
          HUB_ERASURE_SCRUB_DELAY_MS: "200",
        },
        databaseUrls,
      },
      async (hub) => {
        const ask: Ask = (persona, query, variables) => hub.ask("gateway", persona, query, variables);
        const markers = markerValues();
        const values = Object.values(markers);
        const person = await personEverywhere(ask, { owner, government, embassy, repatriation }, markers);
        // Written, so somewhere in the files (the WAL at least) — the search can find them.
        for (const value of [markers.legalName, markers.fromPlace])
          expect(filesHolding(dataDir, [value]).length).toBeGreaterThan(0);
        // The fields encrypted at rest are in no file as plain text, not even before the erasure.
        expect(
          filesHolding(
            dataDir,
            ENCRYPTED_MARKERS.map((name) => markers[name]),
          ),
        ).toEqual([]);

        const requested = await ask(owner, REQUEST_ERASURE, {
          victimId: person.victimId,
          reason: "The survivor asked",
        });
        expect(requested.errors).toBeUndefined();
        await until(
          "every subgraph confirms",
          () => erasureProgress(ask, owner, person.victimId),
          (progress) => progress?.status === "COMPLETE",
        );
        const left = await until(
          "no file of the server holds a marker",
          async () => filesHolding(dataDir, values),
          (files) => files.length === 0,
          60_000,
        );
        expect(left).toEqual([]);
      },
    );
  }, 240_000);
});
