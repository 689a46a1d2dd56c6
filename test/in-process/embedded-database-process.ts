/**
 * The process that owns one in-process test's embedded database (see harness.ts): PGlite
 * cannot run inside Jest's VM (it loads its WebAssembly with a dynamic import), so a test
 * forks this with the data directory to use; it starts PGlite there through the hub's own
 * startEmbeddedPostgres (template cluster, data-directory lock, wire protocol), reports the
 * URL, and stops and removes it when told to or when the test goes away (the channel closes).
 */
import fs from "node:fs";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../platform/database";

export type EmbeddedDatabaseReply = { ok: true; url: string } | { ok: false; error: string };

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  let embedded: EmbeddedPostgres | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      try {
        await embedded?.stop();
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
        process.exit(0);
      }
    })();
  };
  // Registered before the start: a test that gives up while PGlite starts still gets its directory removed.
  process.on("disconnect", stop);
  process.on("message", (command) => command === "stop" && stop());
  try {
    embedded = await startEmbeddedPostgres(dataDir, { maxConnections: 4 });
    process.send?.({ ok: true, url: embedded.url } satisfies EmbeddedDatabaseReply);
  } catch (error) {
    process.send?.({ ok: false, error: (error as Error).message } satisfies EmbeddedDatabaseReply);
    stop();
  }
}

void main();
