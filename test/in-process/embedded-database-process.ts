/**
 * The process that owns one in-process test file's embedded databases (see harness.ts):
 * PGlite cannot run inside Jest's VM (it loads its WebAssembly with a dynamic import), so
 * the harness forks this with the data directories to use; it starts PGlite in each through
 * the hub's own startEmbeddedPostgres (template cluster, data-directory lock, wire
 * protocol), reports their URLs, and stops and removes them when told to or when the test
 * goes away (the channel closes). One process for all of a file's databases: each fork
 * costs a second of start-up on a busy machine.
 */
import fs from "node:fs";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../platform/database";

export type EmbeddedDatabaseReply = { ok: true; urls: string[] } | { ok: false; error: string };

async function main(): Promise<void> {
  const dataDirs = process.argv.slice(2);
  const started: EmbeddedPostgres[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      try {
        await Promise.allSettled(started.map((embedded) => embedded.stop()));
      } finally {
        for (const dataDir of dataDirs) fs.rmSync(dataDir, { recursive: true, force: true });
        process.exit(0);
      }
    })();
  };
  // Registered before the start: a test that gives up while PGlite starts still gets its directories removed.
  process.on("disconnect", stop);
  process.on("message", (command) => command === "stop" && stop());
  try {
    const urls = await Promise.all(
      dataDirs.map(async (dataDir) => {
        const embedded = await startEmbeddedPostgres(dataDir, { maxConnections: 4 });
        started.push(embedded);
        return embedded.url;
      }),
    );
    process.send?.({ ok: true, urls } satisfies EmbeddedDatabaseReply);
  } catch (error) {
    process.send?.({ ok: false, error: (error as Error).message } satisfies EmbeddedDatabaseReply);
    stop();
  }
}

void main();
