/** Reading a hub process's `/metrics` (Prometheus text format) from a test, and starting hub processes of a test's own. */
import path from "node:path";
import { devRequestSigningKeyFile, devRequestSigningPublicKeysDir } from "../../platform/auth/keys";
import { devDataKeyFile } from "../../platform/encryption/key-ring";
import { readyUrl } from "../../platform/processes";
import { spawnHubProcess, stopHubProcess, waitReady, type HubProcess } from "./processes";
import { hubState } from "./state";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, raw] of (match[2] ?? "").matchAll(LABEL))
      labels[name] = raw.replace(/\\n/g, "\n").replace(/\\(["\\])/g, "$1");
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `labels` (a label given as a function: those it accepts). */
export function total(
  samples: Sample[],
  name: string,
  labels: Record<string, string | ((value: string) => boolean)> = {},
): number {
  return samples
    .filter(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(([label, wanted]) =>
          typeof wanted === "function" ? wanted(sample.labels[label] ?? "") : sample.labels[label] === wanted,
        ),
    )
    .reduce((sum, sample) => sum + sample.value, 0);
}

export async function scrape(url: string, token?: string): Promise<Sample[]> {
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return parseMetrics(await response.text());
}

/** The shared test hub's key directory (development keys, which a production process of a test is given as files). */
export function sharedKeyDir(): string {
  return path.join(hubState().env.HUB_DATA_DIR, "keys");
}

/** Settings the hub process `name` needs to start with NODE_ENV=production, from the shared test hub's keys. */
export function productionEnvironment(name: string): Record<string, string> {
  const keys = sharedKeyDir();
  return {
    NODE_ENV: "production",
    JWT_PUBLIC_KEY_FILE: path.join(keys, "dev-signing-key.pub.pem"),
    JWT_ISSUER: "survivor-hub-dev",
    JWT_AUDIENCE: "survivor-hub",
    // Its own signing key, and the public keys of the processes a subgraph accepts (the shared hub made them all).
    HUB_REQUEST_SIGNING_KEY_FILE: devRequestSigningKeyFile(keys, name),
    HUB_REQUEST_SIGNING_PUBLIC_KEYS_DIR: devRequestSigningPublicKeysDir(keys),
    HUB_SERVICE_SECRET_FILE: path.join(keys, "dev-service-secret"),
    // The shared hub's data key ring: a production victims or embassies process reads what it encrypted.
    HUB_DATA_KEY_FILE: devDataKeyFile(keys),
    HUB_DIAGNOSTIC_COUNTERS: "off",
  };
}

/** A gateway of the test's own on `port`, in front of the shared hub's subgraphs. */
export async function startOwnGateway(name: string, port: number, env: Record<string, string>): Promise<HubProcess> {
  const started = spawnHubProcess(name, "gateway/index.js", { ...hubState().env, ...env, GATEWAY_PORT: String(port) });
  try {
    await waitReady(readyUrl({ gateway: port, subgraphs: {} }, "gateway"), started);
  } catch (error) {
    await stopHubProcess(started);
    throw error;
  }
  return started;
}

export { stopHubProcess };
