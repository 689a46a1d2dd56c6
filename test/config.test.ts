/**
 * Configuration is validated at start: every problem names its variable and says what
 * is wrong, all problems at once, never echoing a value that may hold a secret; a
 * production process refuses to start without its token-verification settings.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  ConfigError,
  DEFAULT_GATEWAY_PORT,
  hubEnvironment,
  loadGatewayConfig,
  loadSubgraphConfig,
  portBlock,
} from "../platform/config";
import { SUBGRAPH_NAMES, SUBGRAPHS } from "../subgraphs/index";
import { HUB_POLICIES, subgraphModule } from "../subgraphs/modules";
import { ROOT, spawnHubProcess } from "./support/processes";

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration from the environment", () => {
  it("has working defaults for development", () => {
    const config = loadSubgraphConfig(SUBGRAPHS, "victims", {});
    expect(config).toMatchObject({
      environment: "development",
      host: "127.0.0.1",
      port: 4001,
      databaseUrl: undefined,
      seedDemoData: "if-empty",
      embeddedSharedBuffersMb: 16,
    });
    expect(
      loadSubgraphConfig(SUBGRAPHS, "victims", { HUB_EMBEDDED_SHARED_BUFFERS_MB: "64" }).embeddedSharedBuffersMb,
    ).toBe(64);
    expect(loadGatewayConfig(SUBGRAPHS, {}).port).toBe(4000);
  });

  it("reports every bad variable by name, together", () => {
    const problems = problemsOf(() =>
      loadSubgraphConfig(SUBGRAPHS, "shelters", {
        SHELTERS_PORT: "70000",
        DATABASE_POOL_SIZE: "0",
        HUB_EMBEDDED_SHARED_BUFFERS_MB: "16MB",
        NODE_ENV: "staging",
        SEED_DEMO_DATA: "always",
        VICTIMS_URL: "ftp://victims",
      }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SHELTERS_PORT must be a TCP port/),
        expect.stringMatching(/^DATABASE_POOL_SIZE must be a positive whole number/),
        expect.stringMatching(/^HUB_EMBEDDED_SHARED_BUFFERS_MB must be a positive whole number/),
        expect.stringMatching(/^NODE_ENV must be one of development, test, production/),
        expect.stringMatching(/^SEED_DEMO_DATA must be one of if-empty, never/),
        expect.stringMatching(/^VICTIMS_URL must be a http: or https: URL/),
      ]),
    );
  });

  it("never echoes a database URL, which may carry a password", () => {
    const problems = problemsOf(() =>
      loadSubgraphConfig(SUBGRAPHS, "victims", { VICTIMS_DATABASE_URL: "postgres://hub:s3cret@db:port/victims" }),
    );
    expect(problems).toEqual(["VICTIMS_DATABASE_URL is not a valid URL"]);
    const wrongProtocol = problemsOf(() =>
      loadSubgraphConfig(SUBGRAPHS, "victims", { VICTIMS_DATABASE_URL: "mysql://hub:s3cret@db/victims" }),
    );
    expect(wrongProtocol.join()).not.toContain("s3cret");
  });

  it("requires the public key, issuer, audience and the process's own request-signing key in production", () => {
    const problems = problemsOf(() => loadGatewayConfig(SUBGRAPHS, { NODE_ENV: "production" }));
    expect(problems).toEqual([
      expect.stringMatching(/^JWT_PUBLIC_KEY_FILE is required when NODE_ENV=production/),
      expect.stringMatching(/^JWT_ISSUER is required/),
      expect.stringMatching(/^JWT_AUDIENCE is required/),
      expect.stringMatching(/^HUB_REQUEST_SIGNING_KEY_FILE is required/),
    ]);
  });

  it("requires the shared service secret and the accepted public keys of a production subgraph, but not of the gateway", () => {
    const production = {
      NODE_ENV: "production",
      JWT_PUBLIC_KEY_FILE: "/keys/jwt.pub",
      JWT_ISSUER: "hub",
      JWT_AUDIENCE: "hub",
      HUB_REQUEST_SIGNING_KEY_FILE: "/run/secrets/hub_request_signing_key",
    };
    expect(problemsOf(() => loadSubgraphConfig(SUBGRAPHS, "repatriation", production))).toEqual([
      expect.stringMatching(/^HUB_SERVICE_SECRET_FILE is required when NODE_ENV=production/),
      expect.stringMatching(/^HUB_REQUEST_SIGNING_PUBLIC_KEYS_DIR is required when NODE_ENV=production/),
    ]);
    const complete = loadSubgraphConfig(SUBGRAPHS, "repatriation", {
      ...production,
      HUB_SERVICE_SECRET_FILE: "/run/secrets/hub_service_secret",
      HUB_REQUEST_SIGNING_PUBLIC_KEYS_DIR: "/hub/request-signing-public-keys",
    });
    expect(complete.serviceSecretFile).toBe("/run/secrets/hub_service_secret");
    expect(complete.requestSigningPublicKeysDir).toBe("/hub/request-signing-public-keys");
    expect(complete.auth.requestSigningKeyFile).toBe("/run/secrets/hub_request_signing_key");
    expect(loadGatewayConfig(SUBGRAPHS, production).environment).toBe("production");
  });

  it("requires the data key ring of a production subgraph that encrypts at rest, and gives it to no other", () => {
    const production = {
      NODE_ENV: "production",
      JWT_PUBLIC_KEY_FILE: "/keys/jwt.pub",
      JWT_ISSUER: "hub",
      JWT_AUDIENCE: "hub",
      HUB_REQUEST_SIGNING_KEY_FILE: "/run/secrets/hub_request_signing_key",
      HUB_SERVICE_SECRET_FILE: "/run/secrets/hub_service_secret",
      HUB_REQUEST_SIGNING_PUBLIC_KEYS_DIR: "/hub/request-signing-public-keys",
    };
    for (const name of ["victims", "embassies"] as const)
      expect(problemsOf(() => loadSubgraphConfig(SUBGRAPHS, name, production))).toEqual([
        expect.stringMatching(/^HUB_DATA_KEY_FILE is required when NODE_ENV=production/),
      ]);
    expect(
      loadSubgraphConfig(SUBGRAPHS, "victims", { ...production, HUB_DATA_KEY_FILE: "/run/secrets/hub_data_key" })
        .dataKeys,
    ).toEqual({ file: "/run/secrets/hub_data_key", devKeyDir: expect.any(String) });
    // Shelters and repatriation hold no encrypted value: they are not given the key, even when it is set.
    for (const name of ["shelters", "repatriation"] as const)
      expect(
        loadSubgraphConfig(SUBGRAPHS, name, { ...production, HUB_DATA_KEY_FILE: "/run/secrets/hub_data_key" }).dataKeys,
      ).toBeUndefined();
    // Development: made under the data directory's keys when unset.
    expect(loadSubgraphConfig(SUBGRAPHS, "embassies", { HUB_DATA_DIR: "/tmp/hub" }).dataKeys).toEqual({
      file: undefined,
      devKeyDir: "/tmp/hub/keys",
    });
  });

  it("reports per-request counters to clients only when asked, and never in production", () => {
    expect(loadGatewayConfig(SUBGRAPHS, {}).diagnosticCounters).toBe(false);
    expect(loadSubgraphConfig(SUBGRAPHS, "victims", {}).diagnosticCounters).toBe(false);
    expect(loadGatewayConfig(SUBGRAPHS, { NODE_ENV: "test" }).diagnosticCounters).toBe(true);
    expect(loadGatewayConfig(SUBGRAPHS, { HUB_DIAGNOSTIC_COUNTERS: "on" }).diagnosticCounters).toBe(true);
    const production = {
      NODE_ENV: "production",
      JWT_PUBLIC_KEY_FILE: "/k",
      JWT_ISSUER: "hub",
      JWT_AUDIENCE: "hub",
      HUB_REQUEST_SIGNING_KEY_FILE: "/s",
      HUB_DIAGNOSTIC_COUNTERS: "on",
    };
    expect(problemsOf(() => loadGatewayConfig(SUBGRAPHS, production))).toEqual([
      expect.stringMatching(/^HUB_DIAGNOSTIC_COUNTERS cannot be on/),
    ]);
    // Totals only (the benchmark): counted, but with no per-request scope; refused in production alike.
    const totals = loadSubgraphConfig(SUBGRAPHS, "victims", { HUB_DIAGNOSTIC_COUNTERS: "totals" });
    expect([totals.diagnosticCounters, totals.perRequestCounters]).toEqual([true, false]);
    const perRequest = loadSubgraphConfig(SUBGRAPHS, "victims", { NODE_ENV: "test" });
    expect([perRequest.diagnosticCounters, perRequest.perRequestCounters]).toEqual([true, true]);
    expect(loadSubgraphConfig(SUBGRAPHS, "victims", {}).perRequestCounters).toBe(false);
    expect(
      problemsOf(() => loadGatewayConfig(SUBGRAPHS, { ...production, HUB_DIAGNOSTIC_COUNTERS: "totals" })),
    ).toEqual([expect.stringMatching(/^HUB_DIAGNOSTIC_COUNTERS cannot be on/)]);
  });

  it("serves the explorer by default except in production, where it cannot be turned on", () => {
    expect(loadGatewayConfig(SUBGRAPHS, {}).explorer).toBe(true);
    expect(loadGatewayConfig(SUBGRAPHS, { NODE_ENV: "test" }).explorer).toBe(true);
    expect(loadGatewayConfig(SUBGRAPHS, { HUB_EXPLORER: "off" }).explorer).toBe(false);
    expect(problemsOf(() => loadGatewayConfig(SUBGRAPHS, { HUB_EXPLORER: "yes" }))).toEqual([
      expect.stringMatching(/^HUB_EXPLORER must be one of on, off/),
    ]);
    const production = {
      NODE_ENV: "production",
      JWT_PUBLIC_KEY_FILE: "/k",
      JWT_ISSUER: "hub",
      JWT_AUDIENCE: "hub",
      HUB_REQUEST_SIGNING_KEY_FILE: "/s",
    };
    expect(loadGatewayConfig(SUBGRAPHS, production).explorer).toBe(false);
    expect(loadGatewayConfig(SUBGRAPHS, { ...production, HUB_EXPLORER: "off" }).explorer).toBe(false);
    expect(problemsOf(() => loadGatewayConfig(SUBGRAPHS, { ...production, HUB_EXPLORER: "on" }))).toEqual([
      expect.stringMatching(/^HUB_EXPLORER cannot be on when NODE_ENV=production/),
    ]);
  });

  describe("retention settings (platform/retention.ts)", () => {
    const kinds = subgraphModule("repatriation").retention!.kinds;
    const periodOf = (env: Record<string, string>) =>
      loadSubgraphConfig(SUBGRAPHS, "repatriation", env, kinds).retention.periods.get("closed_repatriation");

    it("reads each kind's period from HUB_RETENTION_<KIND>_DAYS, with the kind's default and off", () => {
      expect(periodOf({})).toBe(365);
      expect(periodOf({ HUB_RETENTION_CLOSED_REPATRIATION_DAYS: "30" })).toBe(30);
      expect(periodOf({ HUB_RETENTION_CLOSED_REPATRIATION_DAYS: "off" })).toBeNull();
      expect(periodOf({ HUB_RETENTION_CLOSED_REPATRIATION_DAYS: " OFF " })).toBeNull();
    });

    it.each(["0", "-1", "30d", "1.5", "36501", "never"])("refuses a period of %p, naming the variable", (raw) => {
      expect(
        problemsOf(() =>
          loadSubgraphConfig(SUBGRAPHS, "repatriation", { HUB_RETENTION_CLOSED_REPATRIATION_DAYS: raw }, kinds),
        ),
      ).toEqual([
        expect.stringMatching(/^HUB_RETENTION_CLOSED_REPATRIATION_DAYS must be a whole number from 1 to 36500, or off/),
      ]);
    });

    it("schedules by default in production only; HUB_RETENTION_INTERVAL_MINUTES sets or stops it", () => {
      const production = {
        NODE_ENV: "production",
        JWT_PUBLIC_KEY_FILE: "/k",
        JWT_ISSUER: "https://idp.example",
        JWT_AUDIENCE: "survivor-hub",
        HUB_REQUEST_SIGNING_KEY_FILE: "/s",
        HUB_SERVICE_SECRET_FILE: "/run/secrets/hub_service_secret",
        HUB_REQUEST_SIGNING_PUBLIC_KEYS_DIR: "/hub/request-signing-public-keys",
      };
      const interval = (env: Record<string, string>) =>
        loadSubgraphConfig(SUBGRAPHS, "repatriation", env, kinds).retention.intervalMinutes;
      expect(interval(production)).toBe(60);
      expect(interval({ ...production, HUB_RETENTION_INTERVAL_MINUTES: "off" })).toBeNull();
      expect(interval({})).toBeNull();
      expect(interval({ NODE_ENV: "test" })).toBeNull();
      expect(interval({ HUB_RETENTION_INTERVAL_MINUTES: "15" })).toBe(15);
      for (const raw of ["0", "10081", "hourly"])
        expect(problemsOf(() => interval({ HUB_RETENTION_INTERVAL_MINUTES: raw }))).toEqual([
          expect.stringMatching(/^HUB_RETENTION_INTERVAL_MINUTES must be a whole number from 1 to 10080, or off/),
        ]);
    });
  });

  it.each([
    ["a subgraph", "subgraphs/embassies/index.js"],
    ["the gateway", "gateway/index.js"],
  ])("%s process refuses to start on bad configuration, saying why", async (_label, entry) => {
    const hub = spawnHubProcess(entry, entry, {
      NODE_ENV: "production",
      JWT_PUBLIC_KEY_FILE: "",
      JWT_ISSUER: "",
      JWT_AUDIENCE: "",
    });
    const code = await new Promise<number | null>((resolve) => hub.child.once("exit", resolve));
    expect(code).toBe(2);
    expect(hub.output.join("")).toMatch(/JWT_PUBLIC_KEY_FILE is required when NODE_ENV=production/);
  });

  it("a subgraph process refuses to start on a bad retention period of its own kinds, saying why", async () => {
    // A scratch directory and any port: a process that did start must touch nothing of anyone's.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "survivor-hub-retention-config-"));
    const hub = spawnHubProcess("repatriation", "subgraphs/repatriation/index.js", {
      HUB_DATA_DIR: scratch,
      REPATRIATION_PORT: "0",
      HUB_RETENTION_CLOSED_REPATRIATION_DAYS: "0",
    });
    const started = setTimeout(() => hub.child.kill("SIGKILL"), 20_000);
    const code = await new Promise<number | null>((resolve) => hub.child.once("exit", resolve));
    clearTimeout(started);
    fs.rmSync(scratch, { recursive: true, force: true });
    expect(code).toBe(2);
    expect(hub.output.join("")).toMatch(
      /HUB_RETENTION_CLOSED_REPATRIATION_DAYS must be a whole number from 1 to 36500/,
    );
  });
});

describe("the one list of subgraphs (subgraphs/index.ts)", () => {
  const folders = fs
    .readdirSync(path.join(ROOT, "subgraphs"), { withFileTypes: true })
    // A subgraph's folder is one with a module.ts (other folders may hold shared pieces).
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(ROOT, "subgraphs", entry.name, "module.ts")))
    .map((entry) => entry.name);

  it("names every subgraph folder once, each on a port of its own", () => {
    expect([...SUBGRAPH_NAMES].sort()).toEqual([...folders].sort());
    const ports = [DEFAULT_GATEWAY_PORT, ...SUBGRAPHS.map((subgraph) => subgraph.port)];
    expect(new Set(ports).size).toBe(ports.length);
  });

  it("finds each subgraph's module and policy by the folder convention, in the list's order", () => {
    expect(SUBGRAPH_NAMES.map((name) => subgraphModule(name).name)).toEqual(SUBGRAPH_NAMES);
    expect(HUB_POLICIES.map((entry) => entry.subgraph)).toEqual(SUBGRAPH_NAMES);
    for (const [index, { name }] of SUBGRAPHS.entries())
      expect(HUB_POLICIES[index].policy).toBe(subgraphModule(name).policy);
  });

  it("gives every subgraph the same process entry, so a copied folder needs no edit there", () => {
    const entries = folders.map((name) => fs.readFileSync(path.join(ROOT, "subgraphs", name, "index.ts"), "utf8"));
    expect(new Set(entries).size).toBe(1);
    expect(entries[0]).toMatch(/runSubgraphIn\(__dirname\)/);
  });

  it("is the configuration's topology: ports and URLs of every subgraph, and no other name", () => {
    const gateway = loadGatewayConfig(SUBGRAPHS, {});
    expect(Object.keys(gateway.subgraphUrls)).toEqual(SUBGRAPH_NAMES);
    for (const { name, port } of SUBGRAPHS) {
      expect(gateway.subgraphUrls[name]).toBe(`http://127.0.0.1:${port}/graphql`);
      expect(loadSubgraphConfig(SUBGRAPHS, name, {}).port).toBe(port);
    }
    expect(problemsOf(() => loadSubgraphConfig(SUBGRAPHS, "nowhere", {}))).toEqual([
      expect.stringMatching(/^"nowhere" is not one of the hub's subgraphs/),
    ]);
  });

  it("puts a hub's processes together from the list: ports, URLs and databases of each subgraph", () => {
    const env = hubEnvironment(SUBGRAPHS, {
      ports: portBlock(SUBGRAPHS, 5000),
      databaseUrls: { victims: "postgres://x/v" },
    });
    expect(env.GATEWAY_PORT).toBe("5000");
    SUBGRAPHS.forEach(({ name }, index) => {
      expect(env[`${name.toUpperCase()}_PORT`]).toBe(String(5001 + index));
      expect(env[`${name.toUpperCase()}_URL`]).toBe(`http://127.0.0.1:${5001 + index}/graphql`);
      expect(env[`${name.toUpperCase()}_DATABASE_URL`]).toBe(name === "victims" ? "postgres://x/v" : "");
    });
  });
});
