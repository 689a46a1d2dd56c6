/**
 * Erasure on a hub of its own (its processes are stopped here): the outbox delivers to a
 * subgraph that was down when the erasure was asked, across a restart of the victims
 * subgraph, retrying with backoff; statistics count the tombstone as before; and the
 * erased values are gone from the database files (embedded PGlite: every file of each
 * subgraph's data directory searched for marker values written before the erasure).
 */
import path from "node:path";
import { PERSONAS } from "./support/hub";
import {
  ENCRYPTED_MARKERS,
  erasureProgress,
  EVERYTHING_ABOUT,
  filesHolding,
  markerValues,
  personEverywhere,
  REQUEST_ERASURE,
  until,
  type Ask,
} from "./support/erasure";
import { withStandaloneHub } from "./support/standalone";
import { hubState, testPort } from "./support/state";

const owner = { role: "ngo", org: "ngo-erasure-durable" } as const;
const { government, embassyPH: embassy, repatriation } = PERSONAS;
const SUBGRAPHS = ["victims", "shelters", "embassies", "repatriation"] as const;
const STATISTICS = `{ caseStatistics(groupBy: [NATIONALITY]) { total cells { group { value } count } } }`;
type Statistics = {
  caseStatistics: { total: number; cells: Array<{ group: Array<{ value: string }>; count: number | null }> };
};

describe("erasure across outages, restarts and the database files", () => {
  it("completes once the down subgraph is back, survives a victims restart, keeps statistics, leaves no value on disk", async () => {
    await withStandaloneHub(
      {
        basePort: testPort(84),
        subgraphs: [...SUBGRAPHS],
        gateway: true,
        baseEnv: {
          ...hubState().env,
          // Each subgraph on an embedded database of its own (withStandaloneHub): their files are what is searched.
          DATABASE_POOL_SIZE: "1",
          HUB_ERASURE_POLL_MS: "200",
          HUB_ERASURE_RETRY_BASE_MS: "300",
          HUB_ERASURE_RETRY_MAX_MS: "1000",
          HUB_ERASURE_SCRUB_DELAY_MS: "200",
        },
      },
      async (hub) => {
        const ask: Ask = (persona, query, variables) => hub.ask("gateway", persona, query, variables);
        const dataDir = path.dirname(hub.keyDir);
        const markers = markerValues();
        const person = await personEverywhere(ask, { owner, government, embassy, repatriation }, markers);
        const values = Object.values(markers);
        // The search finds what is there: every subgraph's files hold its markers now.
        // (A placement holds no text: the shelters subgraph has no marker to find; the embassies subgraph's only
        // text about the person, the document number, is encrypted at rest: it is among the markers found nowhere.)
        expect(filesHolding(path.join(dataDir, "victims"), [markers.legalName]).length).toBeGreaterThan(0);
        expect(filesHolding(path.join(dataDir, "repatriation"), [markers.fromPlace]).length).toBeGreaterThan(0);
        // The fields encrypted at rest are in no file as plain text, not even before the erasure.
        expect(
          filesHolding(
            dataDir,
            ENCRYPTED_MARKERS.map((name) => markers[name]),
          ),
        ).toEqual([]);
        const statisticsBefore = await ask<Statistics>(government, STATISTICS);
        expect(statisticsBefore.errors).toBeUndefined();

        await hub.stop("embassies");
        const requested = await ask<{ requestErasure: { status: string } }>(owner, REQUEST_ERASURE, {
          victimId: person.victimId,
          reason: "The survivor asked for erasure",
        });
        expect(requested.errors).toBeUndefined();
        const partly = await until(
          "shelters and repatriation confirm, embassies is retried",
          () => erasureProgress(ask, owner, person.victimId),
          (progress) =>
            progress!.deliveries.filter((delivery) => delivery.confirmedAt !== null).length === 2 &&
            progress!.deliveries.find((delivery) => delivery.subgraph === "embassies")!.attempts >= 2,
        );
        expect(partly!.status).toBe("IN_PROGRESS");
        expect(partly!.deliveries.find((delivery) => delivery.subgraph === "embassies")!.confirmedAt).toBeNull();

        // The victims process goes away with the order undelivered; the outbox is in its database.
        await hub.stop("victims");
        await hub.start("embassies");
        await hub.start("victims");
        const done = await until(
          "every subgraph confirms after the restart",
          () => erasureProgress(ask, owner, person.victimId),
          (progress) => progress?.status === "COMPLETE",
        );
        expect(done!.deliveries.every((delivery) => delivery.confirmedAt !== null)).toBe(true);
        const after = await ask<{
          victim: { travelDocuments: Array<{ number: string | null }>; legalName: string | null };
        }>(government, EVERYTHING_ABOUT, { id: person.victimId });
        expect(after.errors).toBeUndefined();
        expect(after.data!.victim.travelDocuments).toEqual([{ number: null, status: "VALID" }]);
        expect(after.data!.victim.legalName).toBeNull();

        // The tombstone is counted: the same total and the same nationality cell.
        const statisticsAfter = await ask<Statistics>(government, STATISTICS);
        expect(statisticsAfter.data).toEqual(statisticsBefore.data);

        // Gone from every file of every subgraph's database: table, index, TOAST, statistics and WAL.
        const left = await until(
          "the scrub leaves no marker in any file",
          async () =>
            SUBGRAPHS.flatMap((name) =>
              filesHolding(path.join(dataDir, name), values).map((file) => `${name}/${file}`),
            ),
          (files) => files.length === 0,
          30_000,
        );
        expect(left).toEqual([]);
      },
    );
  }, 180_000);
});
