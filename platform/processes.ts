/**
 * The one way the hub's processes are launched — by the supervisor (`npm start`), the
 * benchmark and the tests: spawn a compiled entry with an environment, keep or forward
 * its output, wait until *this start* of it answers `/ready` (the per-start nonce of
 * platform/instance-nonce.ts: another process answering on that port never counts), stop
 * it (SIGTERM, then SIGKILL after a grace), and start a whole hub — every subgraph of a
 * topology, then the gateway. Knows no subgraph by name: the list is a parameter.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import type { HubPorts } from "./config";
import { INSTANCE_NONCE_HEADER, INSTANCE_NONCE_VARIABLE } from "./instance-nonce";

/** The repository's root and its compiled tree (this file is dist/platform/processes.js once built). */
export const ROOT = path.resolve(__dirname, "..", path.basename(path.dirname(__dirname)) === "dist" ? ".." : ".");
export const DIST = path.join(ROOT, "dist");

/** The compiled entry of a hub process: a subgraph's `subgraphs/<name>/index.js` or the gateway's. */
export function hubEntry(name: string): string {
  return path.join(DIST, name === GATEWAY ? "gateway/index.js" : `subgraphs/${name}/index.js`);
}

export const GATEWAY = "gateway";

/**
 * Where Node (22.1 and later; older ones ignore it) keeps the compiled code of the modules a
 * hub process loads, so the next start does not compile them again: ~18 % of the CPU of
 * loading a subgraph's modules on Node 24. Node checks each entry against its source, so
 * a changed file is compiled afresh. Beside the embedded database's template, in this
 * installation's cache; NODE_COMPILE_CACHE in the environment chooses another place.
 */
const COMPILE_CACHE = path.join(ROOT, "node_modules", ".cache", "survivor-hub", "node-compile-cache");

type Env = Record<string, string | undefined>;

export interface LaunchOptions {
  /** What the process is called in messages. */
  name: string;
  /** Absolute path of the compiled entry. */
  entry: string;
  /** Added to this process's own environment (the nonce is added on top). */
  env?: Env;
  cwd?: string;
  /**
   * Which of its streams are written to ours as they come: none (default), "stderr" or
   * "all". What is not forwarded is kept (its last chunks, `output`) for the caller.
   */
  forward?: "none" | "stderr" | "all";
  /** false: its stdout is dropped (neither kept nor forwarded). */
  stdout?: boolean;
  /** An IPC channel to this process: a supervised child stops when its supervisor dies (platform/startup.ts). */
  ipc?: boolean;
  /** A process group of its own, so the caller can kill it with all its children (`process.kill(-pid)`). */
  detached?: boolean;
  /** Node options before the entry (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** The Node binary to run it on (default: the one running this process; the benchmark's BENCH_NODE). */
  execPath?: string;
}

export interface LaunchedProcess {
  name: string;
  child: ChildProcess;
  /** What this start's `/ready` must echo. */
  nonce: string;
  /** The last chunks of what it wrote and was not forwarded, oldest first (at most KEPT_CHUNKS). */
  output: string[];
  /** Its last non-empty line on stderr: its reason, when it fails to start. */
  lastErrorLine(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const KEPT_CHUNKS = 200;

/**
 * Forwards a child's output whole lines at a time. Children write to one terminal or pipe
 * through this supervisor, and a pipe's chunk can end mid-line: forwarded as it came, another
 * child's line could land inside a JSON log line, which a log collector then cannot parse.
 */
export function lineForwarder(out: NodeJS.WritableStream): { push(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  return {
    push(chunk) {
      const text = pending + decoder.write(chunk);
      const end = text.lastIndexOf("\n");
      if (end === -1) {
        pending = text;
        return;
      }
      out.write(text.slice(0, end + 1));
      pending = text.slice(end + 1);
    },
    end() {
      const rest = pending + decoder.end();
      if (rest) out.write(`${rest}\n`);
      pending = "";
    },
  };
}

export function launch(options: LaunchOptions): LaunchedProcess {
  const nonce = randomBytes(16).toString("hex");
  const forward = options.forward ?? "none";
  const child = spawn(options.execPath ?? process.execPath, [...(options.nodeArgs ?? []), options.entry], {
    cwd: options.cwd ?? ROOT,
    env: { NODE_COMPILE_CACHE: COMPILE_CACHE, ...process.env, ...options.env, [INSTANCE_NONCE_VARIABLE]: nonce },
    stdio: ["ignore", options.stdout === false ? "ignore" : "pipe", "pipe", ...(options.ipc ? (["ipc"] as const) : [])],
    detached: options.detached ?? false,
  });
  const chunks: string[] = [];
  let lastErrorLine = "";
  const keep = (chunk: Buffer) => {
    chunks.push(chunk.toString());
    if (chunks.length > KEPT_CHUNKS) chunks.shift();
  };
  const stdout = lineForwarder(process.stdout);
  const stderr = lineForwarder(process.stderr);
  child.stdout?.on("data", (chunk: Buffer) => {
    if (forward === "all") stdout.push(chunk);
    else keep(chunk);
  });
  child.stdout?.on("end", () => stdout.end());
  child.stderr?.on("end", () => stderr.end());
  child.stderr?.on("data", (chunk: Buffer) => {
    if (forward === "none") keep(chunk);
    else stderr.push(chunk);
    const lines = chunk
      .toString()
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    if (lines.length > 0) lastErrorLine = lines[lines.length - 1];
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    name: options.name,
    child,
    nonce,
    output: chunks,
    lastErrorLine: () => lastErrorLine,
    exited,
  };
}

export function hasExited(launched: LaunchedProcess): boolean {
  return launched.child.exitCode !== null || launched.child.signalCode !== null;
}

export class NotReadyError extends Error {
  constructor(
    message: string,
    /** The process ended before it was ready (as opposed to: it took too long). */
    readonly exited: boolean,
  ) {
    super(message);
    this.name = "NotReadyError";
  }
}

const withOutput = (message: string, launched: LaunchedProcess) =>
  launched.output.length > 0 ? `${message}:\n${launched.output.join("")}` : message;

/**
 * Resolves when this start of the process answers `readyUrl` with 2xx and its own nonce.
 * Throws when it exits first or takes longer than `timeoutMs`; `abandon()` true (the
 * caller is stopping) ends the wait without resolving or throwing. `launched` may be a
 * function giving the process's current start: a supervisor that restarts a crashed
 * child waits for whichever start is current (`untilExit: false`: an exit is no failure).
 */
export async function waitReady(
  launched: LaunchedProcess | (() => LaunchedProcess),
  readyUrl: string,
  options: { timeoutMs?: number; intervalMs?: number; abandon?: () => boolean; untilExit?: boolean } = {},
): Promise<void> {
  const current = typeof launched === "function" ? launched : () => launched;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (options.abandon?.()) return new Promise(() => undefined);
    const process = current();
    if ((options.untilExit ?? true) && hasExited(process))
      throw new NotReadyError(withOutput(`${process.name} exited during start`, process), true);
    try {
      const response = await fetch(readyUrl, { signal: AbortSignal.timeout(2000) });
      if (response.ok && response.headers.get(INSTANCE_NONCE_HEADER) === process.nonce) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 150));
  }
  if (options.abandon?.()) return new Promise(() => undefined);
  throw new NotReadyError(
    withOutput(`${current().name} did not become ready within ${timeoutMs / 1000}s`, current()),
    false,
  );
}

/** Sends `signal` (SIGTERM: it finishes cleanly) and SIGKILLs it after `graceMs`; resolves with its exit code. */
export function stopProcess(
  launched: LaunchedProcess,
  options: { signal?: NodeJS.Signals; graceMs?: number } = {},
): Promise<number | null> {
  return new Promise((resolve) => {
    if (hasExited(launched)) return resolve(launched.child.exitCode);
    const timer = setTimeout(() => launched.child.kill("SIGKILL"), options.graceMs ?? 10_000);
    launched.child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    launched.child.kill(options.signal ?? "SIGTERM");
  });
}

/** The port of the gateway or of a subgraph. */
export function portOf(ports: HubPorts, name: string): number {
  return name === GATEWAY ? ports.gateway : ports.subgraphs[name];
}

/** The `/ready` URL of the gateway or a subgraph of a hub on this machine. */
export function readyUrl(ports: HubPorts, name: string): string {
  return `http://127.0.0.1:${portOf(ports, name)}/ready`;
}

export interface HubStart {
  /** The subgraphs to start, in order (a topology's names, or some of them). */
  subgraphs: readonly string[];
  /** Where each listens (its `/ready` is on 127.0.0.1 there). */
  ports: HubPorts;
  /** How to launch each: the environment, output, profiling… (name and entry are filled in). */
  launchOptions?: (name: string) => Omit<LaunchOptions, "name" | "entry">;
  /** Start the first subgraph alone and wait for it: it makes the template cluster and the keys the others share. */
  firstAlone?: boolean;
  /** Then the gateway, once the subgraphs are ready. */
  gateway?: boolean;
  timeoutMs?: number;
  /** Told of each process as it is launched (the caller keeps them to stop them, also when a start fails). */
  started?: (name: string, launched: LaunchedProcess) => void;
}

/** Starts a hub: its subgraphs (the first alone if asked), then the gateway; resolves with them once all are ready. */
export async function startHub(plan: HubStart): Promise<LaunchedProcess[]> {
  const launched: LaunchedProcess[] = [];
  const startOne = async (name: string) => {
    const process = launch({ ...plan.launchOptions?.(name), name, entry: hubEntry(name) });
    launched.push(process);
    plan.started?.(name, process);
    await waitReady(process, readyUrl(plan.ports, name), { timeoutMs: plan.timeoutMs });
  };
  const [first, ...others] = plan.subgraphs;
  if (plan.firstAlone && first !== undefined) {
    await startOne(first);
    await Promise.all(others.map(startOne));
  } else await Promise.all(plan.subgraphs.map(startOne));
  if (plan.gateway) await startOne(GATEWAY);
  return launched;
}
