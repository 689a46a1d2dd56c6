/** The benchmark's settings (environment variables, docs/performance.md), ports and addresses. */
import path from "node:path";
import type { KeyObject } from "node:crypto";
import { ensureDevRequestSigningKey } from "../../platform/auth/keys";
import { signDevToken, type DevTokenRequest } from "../../platform/auth/tokens";
import { portBlock } from "../../platform/config";
import { loadAndInstallDataKeyRing } from "../../platform/encryption";
import { GATEWAY, portOf, ROOT } from "../../platform/processes";
import { SUBGRAPHS } from "../../subgraphs/index";

export const SETTINGS = {
  victims: Number(process.env.BENCH_VICTIMS ?? 100_000),
  seconds: Number(process.env.BENCH_SECONDS ?? 6),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 20),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 2),
  // For profiling one scenario: BENCH_READS=a measures only (a)'s reads; BENCH_COLD_START=0 skips step 0.
  readScenarios: (process.env.BENCH_READS ?? "a,b,c").split(","),
  coldStart: process.env.BENCH_COLD_START !== "0",
  /** Processes to CPU-profile (BENCH_PROFILE=gateway,victims), written to .bench/profiles. */
  profile: (process.env.BENCH_PROFILE ?? "").split(","),
};

export const DATA_DIR = path.resolve(process.env.BENCH_DIR ?? path.join(ROOT, ".bench"));

/** The bench hub's data key ring (its HUB_DATA_DIR's, made there on first use): the seed writes and the floor reads with it. */
export function installBenchDataKeys(): void {
  loadAndInstallDataKeyRing({ file: process.env.HUB_DATA_KEY_FILE, devKeyDir: path.join(DATA_DIR, "keys") });
}

// BENCH_PORT_BASE lets two checkouts benchmark side by side.
const BASE_PORT = Number(process.env.BENCH_PORT_BASE ?? 14600);
/** The hub's gateway on the base, its subgraphs on the next ports, the stock gateway after them. */
export const PORTS = portBlock(SUBGRAPHS, BASE_PORT);
export const STOCK = "stock";
export const STOCK_PORT = BASE_PORT + 1 + SUBGRAPHS.length;
/** The floor (floor.ts): the same answers with only the work they need, on the port after the stock gateway's. */
export const FLOOR = "floor";
export const FLOOR_PORT = STOCK_PORT + 1;

/** BENCH_NODE: the Node binary every measured process runs on (the hub's, the stock gateway, the floor). */
export const BENCH_NODE = process.env.BENCH_NODE || process.execPath;

/** The /graphql URL of the hub's gateway, a subgraph, or the stock gateway. */
export function graphqlUrl(name: string): string {
  const port = name === STOCK ? STOCK_PORT : name === FLOOR ? FLOOR_PORT : portOf(PORTS, name);
  return `http://127.0.0.1:${port}/graphql`;
}

export const HUB_GATEWAY_URL = graphqlUrl(GATEWAY);

/** The development tokens' issuer, audience and key directory (the hub's processes use the same). */
export const DEV_AUTH = {
  issuer: "survivor-hub-dev",
  audience: "survivor-hub",
  devKeyDir: path.join(DATA_DIR, "keys"),
};

export function authorization(persona: DevTokenRequest): string {
  return `Bearer ${signDevToken(DEV_AUTH, persona)}`;
}

/** The gateway's development request-signing key: a request straight at a subgraph is signed as the gateway signs it. */
export function gatewaySigningKey(): KeyObject {
  return ensureDevRequestSigningKey(path.join(DATA_DIR, "keys"), "gateway");
}
