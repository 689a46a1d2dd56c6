/**
 * `npm start`: the whole hub on this machine. Starts the four subgraphs and the gateway
 * as separate processes under one supervisor, restarts a child that crashes (and says
 * so), waits until each answers /ready, then prints the gateway URL and a token per
 * persona. Ctrl-C (or SIGTERM) stops everything cleanly.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { ensureDevKeyPair } from "../shared/auth/keys";
import { signDevToken } from "../shared/auth/tokens";
import { DEFAULT_SUBGRAPH_PORTS, loadGatewayConfig, SUBGRAPH_NAMES, subgraphPortVariable } from "../shared/config";
import { DEMO_PERSONAS } from "../shared/personas";

const DIST = path.resolve(__dirname, "..");
const READY_TIMEOUT_MS = 60_000;

interface Child {
  name: string;
  entry: string;
  readyUrl: string;
  process?: ChildProcess;
  restarts: number;
}

let stopping = false;

function startChild(child: Child): void {
  const started = Date.now();
  const proc = spawn(process.execPath, [child.entry], { stdio: ["ignore", "inherit", "inherit"], env: process.env });
  child.process = proc;
  proc.on("exit", (code, signal) => {
    if (stopping) return;
    child.restarts += 1;
    // Back off when a child dies right after starting, so a broken config does not spin.
    const delay = Date.now() - started < 5000 ? Math.min(30_000, 1000 * 2 ** Math.min(child.restarts, 5)) : 1000;
    console.error(`[supervisor] ${child.name} exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000}s`);
    setTimeout(() => !stopping && startChild(child), delay);
  });
}

async function waitReady(child: Child): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(child.readyUrl);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${child.name} did not become ready within ${READY_TIMEOUT_MS / 1000}s`);
}

async function stopAll(children: Child[]): Promise<void> {
  stopping = true;
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          const proc = child.process;
          if (!proc || proc.exitCode !== null) return resolve();
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

async function main(): Promise<void> {
  const began = Date.now();
  const config = loadGatewayConfig();
  // Make the development key once, before the children race for it.
  if (config.environment !== "production") ensureDevKeyPair(config.auth.devKeyDir);

  const subgraphs: Child[] = SUBGRAPH_NAMES.map((name) => {
    const port = Number(process.env[subgraphPortVariable(name)] ?? DEFAULT_SUBGRAPH_PORTS[name]);
    return { name, entry: path.join(DIST, "subgraphs", name, "index.js"), readyUrl: `http://127.0.0.1:${port}/ready`, restarts: 0 };
  });
  const gateway: Child = { name: "gateway", entry: path.join(DIST, "gateway", "index.js"), readyUrl: `http://127.0.0.1:${config.port}/ready`, restarts: 0 };
  const children = [...subgraphs, gateway];

  const shutdown = (): void => {
    if (stopping) return;
    console.log("\n[supervisor] stopping…");
    stopAll(children).then(() => process.exit(0));
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

main().catch(async (error: Error) => {
  console.error(`[supervisor] ${error.message}`);
  process.exit(1);
});
