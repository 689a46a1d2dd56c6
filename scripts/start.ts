/**
 * `npm start`: the whole hub on this machine. Starts every subgraph of the list
 * (subgraphs/index.ts) and the gateway
 * as separate processes (platform/processes.ts) under one supervisor, waits until each of *its own* children
 * answers /ready (each child gets a fresh nonce that its /ready echoes, so another hub
 * answering on the same port does not count), then prints the gateway URL and a token
 * per persona. Ctrl-C (or SIGTERM) stops everything cleanly.
 *
 * A child that exits with EXIT_CONFIGURATION (bad settings, a port in use, a data
 * directory another hub holds) would fail the same way again: the supervisor stops the
 * other children and exits non-zero, repeating the child's reason. A child that crashes
 * is restarted with backoff (1, 2, 4, 8, 16 s), at most MAX_RESTARTS times in a row; a
 * child that has run for RESET_AFTER_MS since its last start begins a fresh count.
 * Each child has an IPC channel to the supervisor: if the supervisor dies, even by
 * SIGKILL, the children stop by themselves (platform/startup.ts, whenSupervisorGone).
 */
import path from "node:path";
import { ensureDevKeyPair, ensureDevMetricsToken } from "../platform/auth/keys";
import { signDevToken } from "../platform/auth/tokens";
import { databaseUrlVariable, loadGatewayConfig, subgraphPortVariable } from "../platform/config";
import { DataDirectoryInUseError, dataDirectoryHolder } from "../platform/data-directory-lock";
import { DEMO_PERSONAS } from "../demo/personas";
import {
  GATEWAY,
  hasExited,
  hubEntry,
  launch,
  stopProcess,
  waitReady,
  type LaunchedProcess,
} from "../platform/processes";
import { describeStartupFailure, EXIT_CONFIGURATION, EXIT_FAILURE } from "../platform/startup";
import { SUBGRAPHS } from "../subgraphs/index";

const READY_TIMEOUT_MS = 60_000;
const MAX_RESTARTS = 5;
const RESET_AFTER_MS = 60_000;

interface Child {
  name: string;
  readyUrl: string;
  /** The current start of it. */
  process?: LaunchedProcess;
  /** Crashes since the child last ran for RESET_AFTER_MS. */
  restarts: number;
}

let stopping = false;
const children: Child[] = [];

function startChild(child: Child): void {
  const started = Date.now();
  // stdout and stderr forwarded; the IPC channel stops the child when the supervisor dies.
  // In our own directory, as `npm start` was run: relative HUB_DATA_DIR and SUPERGRAPH_FILE mean the same to them.
  const proc = launch({
    name: child.name,
    entry: hubEntry(child.name),
    cwd: process.cwd(),
    forward: "all",
    ipc: true,
  });
  child.process = proc;
  proc.child.on("exit", (code, signal) => {
    if (stopping) return;
    if (code === EXIT_CONFIGURATION) {
      // The child's own last line says why (it names itself); restarting would fail the same way.
      void fail(proc.lastErrorLine() || `${child.name} cannot start: a configuration problem`, EXIT_CONFIGURATION);
      return;
    }
    if (Date.now() - started >= RESET_AFTER_MS) child.restarts = 0;
    child.restarts += 1;
    if (child.restarts > MAX_RESTARTS) {
      void fail(
        `${child.name} exited ${MAX_RESTARTS + 1} times in a row (last: ${signal ?? `code ${code}`}); giving up`,
        EXIT_FAILURE,
      );
      return;
    }
    const delay = Math.min(30_000, 1000 * 2 ** (child.restarts - 1));
    console.error(
      `[supervisor] ${child.name} exited (${signal ?? `code ${code}`}); restart ${child.restarts} of at most ${MAX_RESTARTS} in ${delay / 1000}s`,
    );
    setTimeout(() => !stopping && startChild(child), delay);
  });
}

async function stopAll(): Promise<void> {
  stopping = true;
  await Promise.all(
    children.map((child) =>
      child.process && !hasExited(child.process) ? stopProcess(child.process) : Promise.resolve(),
    ),
  );
}

let failing: Promise<never> | undefined;

/** Stops every child and exits with `exitCode`, saying why (once: the first reason wins). */
function fail(message: string, exitCode: number): Promise<never> {
  failing ??= (async () => {
    console.error(`[supervisor] stopping the hub: ${message}`);
    await stopAll();
    process.exit(exitCode);
  })();
  return failing;
}

async function main(): Promise<void> {
  const began = Date.now();
  const config = loadGatewayConfig(SUBGRAPHS);
  // A data directory another hub holds: say so at once, before starting anything. (Each
  // child still takes the lock itself, which is what decides when two start together.)
  for (const { name } of SUBGRAPHS) {
    if (process.env[databaseUrlVariable(name)]) continue;
    const dataDir = path.join(config.dataDir, name);
    const holder = dataDirectoryHolder(dataDir);
    if (holder) throw new DataDirectoryInUseError(dataDir, holder, `${dataDir}.pid`);
  }

  // Make the development key once, before the children race for it.
  if (config.environment !== "production") {
    ensureDevKeyPair(config.auth.devKeyDir);
    // For docker-compose.yml's containers, which run with production settings (this hub leaves /metrics open).
    ensureDevMetricsToken(config.auth.devKeyDir);
  }

  for (const { name, port: defaultPort } of SUBGRAPHS) {
    const port = Number(process.env[subgraphPortVariable(name)] || defaultPort);
    children.push({ name, readyUrl: `http://127.0.0.1:${port}/ready`, restarts: 0 });
  }
  children.push({ name: GATEWAY, readyUrl: `http://127.0.0.1:${config.port}/ready`, restarts: 0 });

  const shutdown = (): void => {
    if (stopping) return;
    console.log("\n[supervisor] stopping…");
    stopAll().then(() => process.exit(0));
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);

  // The gateway's supergraph is static, so it need not wait for the subgraphs: starting
  // all five at once overlaps its start with the databases' initialisation.
  children.forEach(startChild);
  // Ready when this child — its current start — answers /ready with its own nonce; a crash
  // during start is restarted (above), and the wait goes on for the new start.
  await Promise.all(
    children.map((child) =>
      waitReady(() => child.process!, child.readyUrl, {
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 200,
        untilExit: false,
        abandon: () => stopping,
      }),
    ),
  );

  const seconds = ((Date.now() - began) / 1000).toFixed(1);
  console.log(`\nSurvivor Hub is ready in ${seconds}s: http://localhost:${config.port}/graphql\n`);
  if (config.explorer)
    console.log("The explorer: open that address in a browser and paste one of the tokens below (docs/explorer.md).\n");
  if (config.environment !== "production") {
    console.log("Demo tokens (send as `Authorization: Bearer <token>`; valid 12 hours):\n");
    for (const persona of DEMO_PERSONAS) {
      console.log(`# ${persona.label}\n${signDevToken(config.auth, persona.request)}\n`);
    }
  }
}

main().catch((error: unknown) => {
  const failure = describeStartupFailure(error);
  void fail(failure.message, failure.exitCode);
});
