/**
 * How a process of the hub ends when it cannot start. A problem of configuration — bad
 * settings, a port another program listens on, a data directory another process holds —
 * exits with EXIT_CONFIGURATION (2): starting again would fail the same way, so the
 * supervisor (scripts/start.ts) stops the hub instead of restarting the process. Any
 * other failure exits with 1 and is restarted, with backoff.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { ConfigError } from "./config";
import { DataDirectoryError } from "./data-directory-lock";

export const EXIT_CONFIGURATION = 2;
export const EXIT_FAILURE = 1;

const CONFIGURATION_ERROR_CODES = new Set(["EADDRINUSE", "EADDRNOTAVAIL", "EACCES"]);

/** One line saying why the process could not start, and the exit code that says what kind of problem it is. */
export function describeStartupFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof ConfigError || error instanceof DataDirectoryError)
    return { message: error.message, exitCode: EXIT_CONFIGURATION };
  const { code, port, address } = (error ?? {}) as { code?: string; port?: number; address?: string };
  if (code && CONFIGURATION_ERROR_CODES.has(code) && port !== undefined) {
    const why =
      code === "EADDRINUSE"
        ? "is already in use by another process"
        : code === "EACCES"
          ? "may not be used by this user"
          : "is not an address of this machine";
    return {
      message: `port ${port} on ${address ?? "this machine"} ${why} (${code}); stop that process or choose another port`,
      exitCode: EXIT_CONFIGURATION,
    };
  }
  return { message: error instanceof Error ? error.message : String(error), exitCode: EXIT_FAILURE };
}

/**
 * Under the supervisor (which gives its children an IPC channel): when the supervisor is
 * gone — even killed with SIGKILL — `stop` runs, so its children do not run on orphaned,
 * holding the ports and data directories a new `npm start` needs. No-op otherwise.
 */
export function whenSupervisorGone(stop: () => void): void {
  if (!process.channel) return;
  // The channel alone must not keep the process alive.
  process.channel.unref();
  process.once("disconnect", stop);
}

const STARTUP_GARBAGE_DELAY_MS = 10_000;

/**
 * One full, compacting garbage collection once a process has started. Building the schema,
 * the entity metadata, migrations and the demo data leave ~30 MB of garbage and empty
 * heap pages per process that V8 keeps resident while the process idles (measured on
 * Node 20: heap 79 → 48 MB, RSS −30 MB in a subgraph; not every process, see below). `gc` is reached without `--expose-gc` on
 * every command line: set the flag, then take `gc` from a fresh context, which has it.
 */
export function collectStartupGarbage(): void {
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as (options?: object) => void;
    // The "last resort" collection also gives back the young generation's pages at once
    // (Node 24: RSS −40 MB right after building two schemas); Node 20 ignores the options,
    // and its plain collection after some idle time does it.
    gc({ type: "major", execution: "sync", flavor: "last-resort" });
    gc();
  } catch {
    // Only memory: a runtime without it keeps the garbage until its own next collection.
  }
}

/**
 * The life of one hub process (the gateway, a subgraph): read its configuration, start it,
 * stop it cleanly on SIGTERM/SIGINT or when the supervisor is gone; a configuration problem
 * exits with its own code, so the supervisor does not restart it.
 */
export function runHubProcess<Config>(
  label: string,
  loadConfig: () => Config,
  start: (config: Config) => Promise<{ stop(): Promise<void> }>,
): void {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    const failure = describeStartupFailure(error);
    console.error(failure.message);
    process.exit(failure.exitCode);
  }
  let stopRunning: (() => void) | undefined;
  whenSupervisorGone(() => (stopRunning ? stopRunning() : process.exit(EXIT_FAILURE)));
  start(config).then(
    (running) => {
      let stopping = false;
      const shutdown = () => {
        if (stopping) return;
        stopping = true;
        running.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      stopRunning = shutdown;
      process.once("SIGTERM", shutdown);
      process.once("SIGINT", shutdown);
      // Once the process has idled a while: Node 20's V8 gives the pages back only from a
      // collection that sees a low allocation rate (one a second after the start released
      // nothing; one after 6 s: heap 68 → 37 MB, RSS −31 MB). The pause (~50 ms) is not part of the start.
      setTimeout(collectStartupGarbage, STARTUP_GARBAGE_DELAY_MS).unref();
    },
    (error: unknown) => {
      const failure = describeStartupFailure(error);
      console.error(`${label} failed to start: ${failure.message}`);
      process.exit(failure.exitCode);
    },
  );
}
