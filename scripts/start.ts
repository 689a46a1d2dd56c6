/**
 * `npm start`: the whole hub on this machine. Starts every subgraph of the list
 * (subgraphs/index.ts) and the gateway
 * as separate processes (platform/processes.ts) under one supervisor, waits until each of *its own* children
 * answers /ready (each child gets a fresh nonce that its /ready echoes, so another hub
 * answering on the same port does not count), writes a demo token per persona to a file
 * under the data directory and prints a short summary (scripts/start-summary.ts) as the
 * last thing on screen. `--show-tokens` also prints the tokens. Ctrl-C (or SIGTERM) stops
 * everything cleanly.
 *
 * Logs: pretty when our stdout is a terminal, JSON otherwise (or LOG_FORMAT); the children
 * write to a pipe, so they are told which (platform/logger.ts). Each child logs one info
 * line at start; its steps are at debug.
 *
 * A child that exits with EXIT_CONFIGURATION (bad settings, a port in use, a data
 * directory another hub holds) would fail the same way again: the supervisor stops the
 * other children and exits non-zero, repeating the child's reason. A child that crashes
 * is restarted with backoff (1, 2, 4, 8, 16 s), at most MAX_RESTARTS times in a row; a
 * child that has run for RESET_AFTER_MS since its last start begins a fresh count.
 * Each child has an IPC channel to the supervisor: if the supervisor dies, even by
 * SIGKILL, the children stop by themselves (platform/startup.ts, whenSupervisorGone).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ensureDevKeyPair, ensureDevMetricsToken } from "../platform/auth/keys";
import { signDevToken } from "../platform/auth/tokens";
import { databaseUrlVariable, loadGatewayConfig, subgraphPortVariable } from "../platform/config";
import { DataDirectoryInUseError, dataDirectoryHolder } from "../platform/data-directory-lock";
import { DEMO_PERSONAS } from "../demo/personas";
import { ORIGIN_COUNTRIES } from "../demo/release";
import { writeDevelopmentManifests } from "../gateway/portal";
import {
  GATEWAY,
  hasExited,
  hubEntry,
  launch,
  stopProcess,
  waitReady,
  type LaunchedProcess,
} from "../platform/processes";
import { chooseLogFormat, type LogFormat } from "../platform/logger";
import { describeStartupFailure, EXIT_CONFIGURATION, EXIT_FAILURE } from "../platform/startup";
import { SUBGRAPHS } from "../subgraphs/index";
import { startSummary, TOKENS_FILE, writeTokensFile, type PersonaToken } from "./start-summary";

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
/** What the children are told besides the environment: the log format (and FORCE_COLOR when our terminal shows colour), development's manifests. */
const childEnv: Record<string, string> = {};
/** When a child last wrote anything: the summary waits for their start lines to arrive first. */
let lastChildOutput = 0;
/** The children whose ready line ("… ready", the one info line of a start) has come through. */
const readyLineSeen = new Set<string>();

function startChild(child: Child): void {
  const started = Date.now();
  // stdout and stderr forwarded; the IPC channel stops the child when the supervisor dies.
  // In our own directory, as `npm start` was run: relative HUB_DATA_DIR and SUPERGRAPH_FILE mean the same to them.
  const proc = launch({
    name: child.name,
    entry: hubEntry(child.name),
    cwd: process.cwd(),
    env: childEnv,
    forward: "all",
    ipc: true,
  });
  const noteOutput = () => void (lastChildOutput = Date.now());
  // The last characters kept: a chunk may end inside "ready".
  let tail = "";
  proc.child.stdout?.on("data", (chunk: Buffer) => {
    const text = tail + chunk.toString();
    if (/(?:subgraph|gateway) ready/.test(text)) readyLineSeen.add(child.name);
    tail = text.slice(-32);
  });
  proc.child.stdout?.on("data", noteOutput);
  proc.child.stderr?.on("data", noteOutput);
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

/**
 * The children's /ready can come back before the line each logged with it: let those lines
 * land — every child's ready line seen, then output quiet for a moment (at most five seconds:
 * a slow machine's pipes, and a child started at a log level that hides its ready line).
 */
async function childOutputSettled(quietMs = 150, maxMs = 5000): Promise<void> {
  const deadline = Date.now() + maxMs;
  const pending = () =>
    children.some((child) => !readyLineSeen.has(child.name)) || Date.now() - lastChildOutput < quietMs;
  while (pending() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
}

function readOptions(): { showTokens: boolean } {
  try {
    const { values } = parseArgs({ options: { "show-tokens": { type: "boolean" } }, strict: true });
    return { showTokens: values["show-tokens"] === true };
  } catch (error) {
    console.error(`npm start: ${(error as Error).message.split(". ")[0]} (usage: npm start [-- --show-tokens])`);
    process.exit(EXIT_CONFIGURATION);
  }
}

/**
 * `vite build` of portal/ when its build is missing or older than a source (a development
 * checkout has Vite). Built beside the old build and swapped in, so a gateway serving the old
 * one never sees half a build; Vite's output is shown only if it fails.
 */
function buildPortalIfStale(outDir: string): void {
  const vite = path.join(process.cwd(), "node_modules", ".bin", "vite");
  if (!fs.existsSync(vite) || !fs.existsSync("portal/src")) return;
  const sources = [
    "portal/index.html",
    "portal/vite.config.ts",
    ...fs.readdirSync("portal/src", { recursive: true }).map((file) => path.join("portal/src", String(file))),
  ];
  const built = (() => {
    try {
      return fs.statSync(path.join(outDir, "index.html")).mtimeMs;
    } catch {
      return -1;
    }
  })();
  if (sources.every((source) => fs.statSync(source).mtimeMs <= built)) return;
  const fresh = `${outDir}.building-${process.pid}`;
  try {
    execFileSync(vite, ["build", "--config", "portal/vite.config.ts", "--outDir", fresh, "--emptyOutDir"], {
      stdio: "pipe",
    });
  } catch (error) {
    fs.rmSync(fresh, { recursive: true, force: true });
    const output = (error as { stderr?: Buffer; stdout?: Buffer }).stderr ?? Buffer.alloc(0);
    console.error(`[supervisor] the embassy portal did not build (npm run portal:build):\n${output.toString()}`);
    return;
  }
  const old = `${outDir}.old-${process.pid}`;
  try {
    if (fs.existsSync(outDir)) fs.renameSync(outDir, old);
    fs.renameSync(fresh, outDir);
  } catch {
    // Another start swapped its build in meanwhile: the same sources, so ours is not needed.
  } finally {
    fs.rmSync(fresh, { recursive: true, force: true });
    fs.rmSync(old, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const began = Date.now();
  const options = readOptions();
  const config = loadGatewayConfig(SUBGRAPHS);
  const logFormat: LogFormat = chooseLogFormat(config.logFormat);
  childEnv.LOG_FORMAT = logFormat;
  // pino-pretty in a child sees a pipe and would print no colour; a terminal that shows colour asks for it.
  if (logFormat === "pretty" && process.stdout.isTTY && !("NO_COLOR" in process.env) && !("FORCE_COLOR" in process.env))
    childEnv.FORCE_COLOR = "1";
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
    // The reference portal, served at /portal: built when its sources changed, its operations
    // registered for the demo's embassies unless the operator set manifests of their own.
    if (config.portal.enabled) buildPortalIfStale(config.portal.dir);
    if (!config.trustedDocuments.dir) {
      const countries = [...ORIGIN_COUNTRIES.map((country) => country.code), "PH", "KE"];
      const dir = writeDevelopmentManifests(process.cwd(), path.join(config.dataDir, "trusted-documents"), countries);
      if (dir) childEnv.HUB_TRUSTED_DOCUMENTS_DIR = dir;
    }
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
  let tokens: PersonaToken[] = [];
  let tokensFile: string | undefined;
  if (config.environment !== "production") {
    tokens = DEMO_PERSONAS.map((persona) => ({ ...persona, token: signDevToken(config.auth, persona.request) }));
    tokensFile = path.join(config.dataDir, TOKENS_FILE);
    writeTokensFile(tokensFile, tokens);
  }
  await childOutputSettled();
  // One write: whoever reads the output sees the summary whole.
  const shown = options.showTokens ? tokens.map(({ label, token }) => `\n# ${label}\n${token}`).join("\n") + "\n" : "";
  process.stdout.write(
    shown +
      startSummary({
        seconds,
        gatewayPort: config.port,
        tokensFile,
        example: tokens.find((persona) => persona.name === "embassyPH") ?? tokens[0],
        pid: process.pid,
        portal: config.portal.enabled && fs.existsSync(path.join(config.portal.dir, "index.html")),
      }),
  );
}

main().catch((error: unknown) => {
  const failure = describeStartupFailure(error);
  void fail(failure.message, failure.exitCode);
});
