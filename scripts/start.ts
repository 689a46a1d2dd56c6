/**
 * `npm start`: the whole hub on this machine. Starts the four subgraphs and the gateway
 * as separate processes under one supervisor, waits until each of *its own* children
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
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { ensureDevKeyPair } from "../platform/auth/keys";
import { signDevToken } from "../platform/auth/tokens";
import {
  databaseUrlVariable,
  DEFAULT_SUBGRAPH_PORTS,
  loadGatewayConfig,
  SUBGRAPH_NAMES,
  subgraphPortVariable,
} from "../platform/config";
import { DataDirectoryInUseError, dataDirectoryHolder } from "../platform/data-directory-lock";
import { INSTANCE_NONCE_HEADER, INSTANCE_NONCE_VARIABLE } from "../platform/instance-nonce";
import { DEMO_PERSONAS } from "../platform/personas";
import { describeStartupFailure, EXIT_CONFIGURATION, EXIT_FAILURE } from "../platform/startup";

const DIST = path.resolve(__dirname, "..");
const READY_TIMEOUT_MS = 60_000;
const MAX_RESTARTS = 5;
const RESET_AFTER_MS = 60_000;

interface Child {
  name: string;
  entry: string;
  readyUrl: string;
  process?: ChildProcess;
  /** What this start's /ready must echo. */
  nonce: string;
  /** Crashes since the child last ran for RESET_AFTER_MS. */
  restarts: number;
  /** The child's last line on stderr: its reason, when it fails to start. */
  lastError: string;
}

let stopping = false;
const children: Child[] = [];

function startChild(child: Child): void {
  const started = Date.now();
  child.nonce = randomBytes(16).toString("hex");
  const proc = spawn(process.execPath, [child.entry], {
    stdio: ["ignore", "inherit", "pipe", "ipc"],
    env: { ...process.env, [INSTANCE_NONCE_VARIABLE]: child.nonce },
  });
  child.process = proc;
  proc.stderr?.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    const lines = chunk
      .toString()
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    if (lines.length > 0) child.lastError = lines[lines.length - 1];
  });
  proc.on("exit", (code, signal) => {
    if (stopping) return;
    if (code === EXIT_CONFIGURATION) {
      // The child's own last line says why (it names itself); restarting would fail the same way.
      void fail(child.lastError || `${child.name} cannot start: a configuration problem`, EXIT_CONFIGURATION);
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

/** Ready when this child — this start of it — answers /ready with its own nonce. */
async function waitReady(child: Child): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !stopping) {
    try {
      const response = await fetch(child.readyUrl, { signal: AbortSignal.timeout(2000) });
      if (response.ok && response.headers.get(INSTANCE_NONCE_HEADER) === child.nonce) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (!stopping) throw new Error(`${child.name} did not become ready within ${READY_TIMEOUT_MS / 1000}s`);
  // Stopping: fail() is ending the process; never report ready.
  await new Promise(() => undefined);
}

async function stopAll(): Promise<void> {
  stopping = true;
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          const proc = child.process;
          if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
          const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
          proc.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          proc.kill("SIGTERM");
        }),
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
  const config = loadGatewayConfig();
  // A data directory another hub holds: say so at once, before starting anything. (Each
  // child still takes the lock itself, which is what decides when two start together.)
  for (const name of SUBGRAPH_NAMES) {
    if (process.env[databaseUrlVariable(name)]) continue;
    const dataDir = path.join(config.dataDir, name);
    const holder = dataDirectoryHolder(dataDir);
    if (holder) throw new DataDirectoryInUseError(dataDir, holder, `${dataDir}.pid`);
  }

  // Make the development key once, before the children race for it.
  if (config.environment !== "production") ensureDevKeyPair(config.auth.devKeyDir);

  for (const name of SUBGRAPH_NAMES) {
    const port = Number(process.env[subgraphPortVariable(name)] || DEFAULT_SUBGRAPH_PORTS[name]);
    children.push({
      name,
      entry: path.join(DIST, "subgraphs", name, "index.js"),
      readyUrl: `http://127.0.0.1:${port}/ready`,
      nonce: "",
      restarts: 0,
      lastError: "",
    });
  }
  children.push({
    name: "gateway",
    entry: path.join(DIST, "gateway", "index.js"),
    readyUrl: `http://127.0.0.1:${config.port}/ready`,
    nonce: "",
    restarts: 0,
    lastError: "",
  });

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
  await Promise.all(children.map(waitReady));

  const seconds = ((Date.now() - began) / 1000).toFixed(1);
  console.log(`\nSurvivor Hub is ready in ${seconds}s: http://localhost:${config.port}/graphql\n`);
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
