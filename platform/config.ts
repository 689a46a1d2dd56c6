/**
 * Configuration from environment variables, validated once at start.
 * Every problem is reported with the variable's name and what is wrong, all at once,
 * so an operator fixes a deployment in one pass instead of one crash at a time.
 */
import path from "node:path";
import { ROLES, type Role } from "./auth/claims";
import { DEFAULT_LIMITS, type OperationLimits } from "./limits";
import { LOG_FORMATS, type LogFormat } from "./logger";
import { admissibleOperationName } from "./metric-labels";

/**
 * A subgraph's name as the platform sees it: any string. The platform knows no list of
 * subgraphs; the hub's own typed list (`SubgraphName`, `SUBGRAPHS`) is subgraphs/index.ts.
 */
export type SubgraphName = string;

/** One subgraph as configuration needs it: its name (the prefix of its variables) and its default port. */
export interface SubgraphAddress {
  readonly name: string;
  readonly port: number;
  /** Whether its tables hold values encrypted at rest: it then needs the data key ring (HUB_DATA_KEY_FILE). */
  readonly encryptsData?: boolean;
}

/** The hub's subgraphs, in order (subgraphs/index.ts `SUBGRAPHS` is the hub's). */
export type Topology = readonly SubgraphAddress[];

export const DEFAULT_GATEWAY_PORT = 4000;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

/** Collects problems while reading variables, then throws them together. */
class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string, fallback?: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === "" ? fallback : value;
  }

  port(name: string, fallback: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > 65535) {
      this.problems.push(`${name} must be a TCP port number (0-65535), got "${raw}"`);
      return fallback;
    }
    return value;
  }

  positiveInt(name: string, fallback: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) {
      this.problems.push(`${name} must be a positive whole number, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  /** A whole number from 0 to `max`. */
  boundedInt(name: string, fallback: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value > max) {
      this.problems.push(`${name} must be a whole number from 0 to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(", ")}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  }

  url(name: string, protocols: string[]): string | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must be a ${protocols.join(" or ")} URL, got protocol "${parsed.protocol}"`);
      }
    } catch {
      // Never echo the value: a database URL may hold a password.
      this.problems.push(`${name} is not a valid URL`);
    }
    return raw;
  }

  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

export type Environment = "development" | "test" | "production";

export interface AuthConfig {
  issuer: string;
  audience: string;
  /** PEM of the RS256 public key that verifies tokens (production), or undefined in development. */
  publicKeyFile?: string;
  /** Development only: where the generated signing key pair is kept. */
  devKeyDir: string;
  /** PEM (PKCS#8) of this process's own Ed25519 key, with which it signs its requests to the subgraphs (production; HUB_REQUEST_SIGNING_KEY_FILE). */
  requestSigningKeyFile?: string;
  /** Seconds of clock difference tolerated on `exp`/`nbf` (JWT_CLOCK_TOLERANCE_SECONDS); DEFAULT_JWT_CLOCK_TOLERANCE_SECONDS when absent. */
  clockToleranceSeconds?: number;
}

/** How far the issuer's clock and ours may disagree before a token counts as expired or not yet valid. */
export const DEFAULT_JWT_CLOCK_TOLERANCE_SECONDS = 5;
/** More than five minutes would keep expired tokens working for longer than a short-lived token lives. */
export const MAX_JWT_CLOCK_TOLERANCE_SECONDS = 300;

export interface CommonConfig {
  environment: Environment;
  limits: OperationLimits;
  /** Whether clients may introspect the schema (default: development yes, production no). */
  introspection: boolean;
  /** On SIGTERM, how long to keep serving (answering /ready with 503) before closing the listener. */
  shutdownDrainMs: number;
  /**
   * Report each request's SQL statements and service questions to the client (tests and the
   * benchmark). Off unless asked for, and never in production: counts are one more thing two
   * answers could differ by. `HUB_DIAGNOSTIC_COUNTERS=on`: per request (response headers and
   * extensions; needs the request scope, an AsyncLocalStorage, whose promise hooks cost on
   * every promise on Node 20) and process-wide totals; `totals`: the totals only, on a signed
   * route (the benchmark reads them around a request), with no AsyncLocalStorage at all.
   */
  diagnosticCounters: boolean;
  /** Counted per request (HUB_DIAGNOSTIC_COUNTERS=on): the only mode with a request scope. */
  perRequestCounters: boolean;
  dataDir: string;
  logLevel: string;
  /** LOG_FORMAT; undefined: pretty when stdout is a terminal, JSON otherwise (logger.ts). */
  logFormat?: LogFormat;
  auth: AuthConfig;
  /**
   * File holding the bearer token `/metrics` asks for (HUB_METRICS_TOKEN_FILE). Without it
   * `/metrics` is open in development and tests and absent (404) in production (metrics.ts).
   */
  metricsTokenFile?: string;
  /** HUB_METRICS_OPERATIONS: when given, the only operation names that become metric labels. */
  metricsOperations?: ReadonlySet<string>;
  /**
   * Where spans go (OTLP/HTTP, tracing.ts): OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, or
   * OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces`; undefined (neither set, or OTEL_SDK_DISABLED=true): no tracing at all.
   */
  tracesEndpoint?: string;
}

export interface SubgraphConfig extends CommonConfig {
  name: SubgraphName;
  host: string;
  port: number;
  /** PostgreSQL server URL, or undefined to start the embedded PGlite database. */
  databaseUrl?: string;
  databasePoolSize: number;
  /** PostgreSQL `shared_buffers` of the embedded database, in MB (PGlite's own default is 128). */
  embeddedSharedBuffersMb: number;
  seedDemoData: "if-empty" | "never";
  /** Where the other subgraphs answer service-to-service questions (their /graphql URLs). */
  peerUrls: Record<SubgraphName, string>;
  /** File holding the secret the subgraphs share for service-to-service calls (production). */
  serviceSecretFile?: string;
  /** Directory of `<signer>.pub.pem`: the Ed25519 public keys of the hub processes this subgraph accepts requests from (production). */
  requestSigningPublicKeysDir?: string;
  /** REDIS_URL: where this subgraph's replicas record the request signatures already used (auth/replay-guard.ts). */
  redisUrl?: string;
  /** The retention job's schedule and this subgraph's periods (platform/retention.ts). */
  retention: RetentionSettings;
  /** HUB_ERASURE_SCRUB_DELAY_MS: how long after an erasure its database files are scrubbed (erasures meanwhile share the scrub). */
  erasureScrubDelayMs: number;
  /** HUB_ERASURE_POLL_MS: how often the erasure outbox looks for orders due (victims subgraph). */
  erasurePollMs: number;
  /** HUB_ERASURE_RETRY_BASE_MS / HUB_ERASURE_RETRY_MAX_MS: an undelivered erasure order's first retry delay, doubling up to the maximum. */
  erasureRetryBaseMs: number;
  erasureRetryMaxMs: number;
  /**
   * The data key ring of values encrypted at rest (platform/encryption/), for a subgraph that
   * `encryptsData`: HUB_DATA_KEY_FILE (required in production), else made under the key directory.
   */
  dataKeys?: { file?: string; devKeyDir: string };
}

export interface GatewayConfig extends CommonConfig {
  host: string;
  port: number;
  subgraphUrls: Record<SubgraphName, string>;
  supergraphFile: string;
  /** How long a fetch to a subgraph may take before its fields answer with an error. */
  subgraphTimeoutMs: number;
  /** Requests per minute per organisation, by role, and for named organisations. */
  rateLimits: RateLimits;
  /** Registered operations per organisation (gateway/trusted-documents.ts). */
  trustedDocuments: TrustedDocumentsSettings;
  /** The reference embassy portal at /portal (HUB_PORTAL: development default on, production off; HUB_PORTAL_DIR: its build). */
  portal: { enabled: boolean; dir: string };
  /**
   * Whether the gateway serves its explorer page (HUB_EXPLORER; default on except in
   * production, where `on` is refused): static files of its own and the same /graphql.
   */
  explorer: boolean;
}

export interface TrustedDocumentsSettings {
  /** HUB_TRUSTED_DOCUMENTS: `off`, `allow` (development default) or `require` (production default once a directory is set). */
  mode: "off" | "allow" | "require";
  /** HUB_TRUSTED_DOCUMENTS_DIR: one `<org>.json` manifest per organisation. */
  dir?: string;
}

export interface RateLimits {
  perMinuteByRole: Record<Role, number>;
  perMinuteByOrg: Record<string, number>;
  /**
   * REDIS_URL: where every gateway replica counts the same budgets (rate-limiter-flexible's
   * Redis store). Unset: each gateway counts in its own memory (one gateway only).
   */
  redisUrl?: string;
  /** RATE_LIMIT_KEY_PREFIX: the Redis keys' prefix, so hubs (or test runs) sharing one Redis never share budgets. */
  keyPrefix: string;
}

export const DEFAULT_RATE_LIMIT_KEY_PREFIX = "survivor-hub:rate";

export const DEFAULT_RATE_LIMITS: Record<Role, number> = {
  government: 1200,
  ngo: 600,
  shelter: 300,
  embassy: 600,
  repatriation: 600,
  auditor: 300,
};

export function rateLimitVariable(role: Role): string {
  return `RATE_LIMIT_${role.toUpperCase()}_PER_MINUTE`;
}

function readRateLimits(reader: EnvReader): RateLimits {
  const perMinuteByRole = Object.fromEntries(
    ROLES.map((role) => [role, reader.positiveInt(rateLimitVariable(role), DEFAULT_RATE_LIMITS[role])]),
  ) as Record<Role, number>;
  const perMinuteByOrg: Record<string, number> = {};
  const overrides = reader.string("RATE_LIMIT_ORG_OVERRIDES");
  for (const pair of overrides ? overrides.split(",") : []) {
    const match = /^\s*([A-Za-z0-9][A-Za-z0-9-]{1,62})=(\d+)\s*$/.exec(pair);
    if (!match || Number(match[2]) <= 0)
      reader.problems.push(
        `RATE_LIMIT_ORG_OVERRIDES must be "org=requests-per-minute" pairs separated by commas, e.g. "gov-mdt=5000"`,
      );
    else perMinuteByOrg[match[1]] = Number(match[2]);
  }
  return {
    perMinuteByRole,
    perMinuteByOrg,
    redisUrl: reader.url("REDIS_URL", ["redis:", "rediss:"]),
    keyPrefix: reader.string("RATE_LIMIT_KEY_PREFIX", DEFAULT_RATE_LIMIT_KEY_PREFIX)!,
  };
}

function readCommon(reader: EnvReader): CommonConfig {
  const environment = reader.oneOf<Environment>("NODE_ENV", ["development", "test", "production"], "development");
  const dataDir = path.resolve(reader.string("HUB_DATA_DIR", ".data")!);
  const auth: AuthConfig = {
    issuer: reader.string("JWT_ISSUER", "survivor-hub-dev")!,
    audience: reader.string("JWT_AUDIENCE", "survivor-hub")!,
    publicKeyFile: reader.string("JWT_PUBLIC_KEY_FILE"),
    devKeyDir: path.join(dataDir, "keys"),
    requestSigningKeyFile: reader.string("HUB_REQUEST_SIGNING_KEY_FILE"),
    clockToleranceSeconds: reader.boundedInt(
      "JWT_CLOCK_TOLERANCE_SECONDS",
      DEFAULT_JWT_CLOCK_TOLERANCE_SECONDS,
      MAX_JWT_CLOCK_TOLERANCE_SECONDS,
    ),
  };
  if (environment === "production") {
    for (const name of ["JWT_PUBLIC_KEY_FILE", "JWT_ISSUER", "JWT_AUDIENCE", "HUB_REQUEST_SIGNING_KEY_FILE"]) {
      if (reader.string(name) === undefined) {
        reader.problems.push(`${name} is required when NODE_ENV=production (no development keys in production)`);
      }
    }
  }
  const limits: OperationLimits = {
    depth: reader.positiveInt("HUB_MAX_DEPTH", DEFAULT_LIMITS.depth),
    aliases: reader.positiveInt("HUB_MAX_ALIASES", DEFAULT_LIMITS.aliases),
    directives: reader.positiveInt("HUB_MAX_DIRECTIVES", DEFAULT_LIMITS.directives),
    tokens: reader.positiveInt("HUB_MAX_TOKENS", DEFAULT_LIMITS.tokens),
    cost: reader.positiveInt("HUB_MAX_COST", DEFAULT_LIMITS.cost),
    rootFields: reader.positiveInt("HUB_MAX_ROOT_FIELDS", DEFAULT_LIMITS.rootFields),
  };
  const introspection =
    reader.oneOf("HUB_INTROSPECTION", ["on", "off"], environment === "production" ? "off" : "on") === "on";
  const shutdownDrainMs = reader.positiveInt("SHUTDOWN_DRAIN_MS", 1000);
  const counters = reader.oneOf(
    "HUB_DIAGNOSTIC_COUNTERS",
    ["on", "totals", "off"],
    environment === "test" ? "on" : "off",
  );
  const diagnosticCounters = counters !== "off";
  const listedOperations = reader.string("HUB_METRICS_OPERATIONS");
  const metricsOperations = listedOperations
    ? new Set(listedOperations.split(",").map((name) => name.trim()))
    : undefined;
  // The variable's own value is an operator's, but the same bound as for clients keeps labels alike.
  for (const name of metricsOperations ?? [])
    if (!admissibleOperationName(name))
      reader.problems.push(
        "HUB_METRICS_OPERATIONS must be operation names separated by commas (letters, digits, _; at most 64 characters, 4 digits)",
      );
  if (diagnosticCounters && environment === "production")
    reader.problems.push("HUB_DIAGNOSTIC_COUNTERS cannot be on when NODE_ENV=production");
  return {
    environment,
    dataDir,
    logLevel: reader.string("LOG_LEVEL", "info")!,
    logFormat: reader.string("LOG_FORMAT") === undefined ? undefined : reader.oneOf("LOG_FORMAT", LOG_FORMATS, "json"),
    auth,
    limits,
    introspection,
    shutdownDrainMs,
    diagnosticCounters,
    perRequestCounters: counters === "on",
    metricsTokenFile: reader.string("HUB_METRICS_TOKEN_FILE"),
    metricsOperations,
    tracesEndpoint: readTracesEndpoint(reader),
  };
}

/**
 * The OTLP/HTTP traces URL, read as the OpenTelemetry SDK reads it (the signal's own variable
 * as given, else the base with `/v1/traces`), but checked here: the SDK would fall back to
 * localhost:4318 on a URL it cannot parse, and send spans where nobody said.
 */
function readTracesEndpoint(reader: EnvReader): string | undefined {
  if (reader.string("OTEL_SDK_DISABLED")?.trim().toLowerCase() === "true") return undefined;
  const traces = reader.url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", ["http:", "https:"])?.trim();
  if (traces) return traces;
  const base = reader.url("OTEL_EXPORTER_OTLP_ENDPOINT", ["http:", "https:"])?.trim();
  return base ? `${base.replace(/\/+$/, "")}/v1/traces` : undefined;
}

export function subgraphUrlVariable(name: SubgraphName): string {
  return `${name.toUpperCase()}_URL`;
}

export function databaseUrlVariable(name: SubgraphName): string {
  return `${name.toUpperCase()}_DATABASE_URL`;
}

/**
 * PGlite reserves its buffer pool inside its WebAssembly memory at start, resident from
 * then on: at its default of 128 MB, four embedded databases held half a gigabyte before
 * serving anything. The data files stay in the operating system's page cache either way.
 */
export const DEFAULT_EMBEDDED_SHARED_BUFFERS_MB = 16;

export function subgraphPortVariable(name: SubgraphName): string {
  return `${name.toUpperCase()}_PORT`;
}

function readSubgraphUrls(reader: EnvReader, topology: Topology): Record<SubgraphName, string> {
  const urls: Record<SubgraphName, string> = {};
  for (const { name, port: defaultPort } of topology) {
    const port = reader.port(subgraphPortVariable(name), defaultPort);
    urls[name] = reader.url(subgraphUrlVariable(name), ["http:", "https:"]) ?? `http://127.0.0.1:${port}/graphql`;
  }
  return urls;
}

/** A retention kind as configuration sees it (platform/retention.ts declares the rest). */
export interface RetentionKindSetting {
  name: string;
  defaultDays: number;
}

export interface RetentionSettings {
  /** Minutes between scheduled runs; null: no scheduled run (HUB_RETENTION_INTERVAL_MINUTES=off). */
  intervalMinutes: number | null;
  /** Days each kind is kept after its event, by kind name; null: the kind is off (kept until erased otherwise). */
  periods: ReadonlyMap<string, number | null>;
}

export const DEFAULT_RETENTION_INTERVAL_MINUTES = 60;
/** A hundred years: anything longer is a typo, and `off` says "keep". */
export const MAX_RETENTION_DAYS = 36_500;
/** A week: a longer wait between runs leaves data a week past its period. */
const MAX_RETENTION_INTERVAL_MINUTES = 10_080;

/** The setting of one retention kind's period: HUB_RETENTION_<KIND>_DAYS. */
export function retentionDaysVariable(kind: string): string {
  return `HUB_RETENTION_${kind.toUpperCase()}_DAYS`;
}

/**
 * A whole number from `min` to `max`, or `off` (null). 0 is refused for periods: it would
 * erase a decision at the next run, before anyone could correct a mistaken one, and "never
 * erase" must be said as `off`, not guessed from a number.
 */
function offOrWhole(reader: EnvReader, name: string, fallback: number, min: number, max: number): number | null {
  const raw = reader.string(name)?.trim();
  if (raw === undefined) return fallback;
  if (raw.toLowerCase() === "off") return null;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    reader.problems.push(`${name} must be a whole number from ${min} to ${max}, or off, got "${raw}"`);
    return fallback;
  }
  return value;
}

/**
 * The schedule runs by default in production only: the demo release is dated (demo/release.ts,
 * 2026-02-20) and tests compare answers with it, so a scheduled job in development or a test
 * would erase parts of it minutes after `npm start`. There `npm run retention` runs it, or
 * HUB_RETENTION_INTERVAL_MINUTES turns the schedule on.
 */
function readRetention(
  reader: EnvReader,
  environment: Environment,
  kinds: readonly RetentionKindSetting[],
): RetentionSettings {
  const interval = offOrWhole(
    reader,
    "HUB_RETENTION_INTERVAL_MINUTES",
    DEFAULT_RETENTION_INTERVAL_MINUTES,
    1,
    MAX_RETENTION_INTERVAL_MINUTES,
  );
  const intervalGiven = reader.string("HUB_RETENTION_INTERVAL_MINUTES") !== undefined;
  return {
    intervalMinutes: intervalGiven || environment === "production" ? interval : null,
    periods: new Map(
      kinds.map((kind) => [
        kind.name,
        offOrWhole(reader, retentionDaysVariable(kind.name), kind.defaultDays, 1, MAX_RETENTION_DAYS),
      ]),
    ),
  };
}

/** `retentionKinds`: the subgraph module's (platform/retention.ts), whose periods are read and checked. */
export function loadSubgraphConfig(
  topology: Topology,
  name: SubgraphName,
  env: Env = process.env,
  retentionKinds: readonly RetentionKindSetting[] = [],
): SubgraphConfig {
  const self = topology.find((entry) => entry.name === name);
  if (!self)
    throw new ConfigError([
      `"${name}" is not one of the hub's subgraphs (${topology.map((entry) => entry.name).join(", ")})`,
    ]);
  const reader = new EnvReader(env);
  const common = readCommon(reader);
  const databaseUrl = reader.url(databaseUrlVariable(name), ["postgres:", "postgresql:"]);
  const config: SubgraphConfig = {
    ...common,
    name,
    // Subgraphs are not a way around the gateway: loopback only unless told otherwise.
    host: reader.string("SUBGRAPH_HOST", "127.0.0.1")!,
    port: reader.port(subgraphPortVariable(name), self.port),
    databaseUrl,
    databasePoolSize: reader.positiveInt("DATABASE_POOL_SIZE", 10),
    redisUrl: reader.url("REDIS_URL", ["redis:", "rediss:"]),
    embeddedSharedBuffersMb: reader.positiveInt("HUB_EMBEDDED_SHARED_BUFFERS_MB", DEFAULT_EMBEDDED_SHARED_BUFFERS_MB),
    // The demo data set is loaded into an empty embedded database; a real server only on request.
    seedDemoData: reader.oneOf("SEED_DEMO_DATA", ["if-empty", "never"], databaseUrl ? "never" : "if-empty"),
    peerUrls: readSubgraphUrls(reader, topology),
    serviceSecretFile: reader.string("HUB_SERVICE_SECRET_FILE"),
    requestSigningPublicKeysDir: reader.string("HUB_REQUEST_SIGNING_PUBLIC_KEYS_DIR"),
    retention: readRetention(reader, common.environment, retentionKinds),
    erasureScrubDelayMs: reader.positiveInt("HUB_ERASURE_SCRUB_DELAY_MS", 30_000),
    erasurePollMs: reader.positiveInt("HUB_ERASURE_POLL_MS", 1000),
    erasureRetryBaseMs: reader.positiveInt("HUB_ERASURE_RETRY_BASE_MS", 2000),
    erasureRetryMaxMs: reader.positiveInt("HUB_ERASURE_RETRY_MAX_MS", 10 * 60_000),
    // Only the subgraphs that hold encrypted values are given the key (least privilege).
    dataKeys: self.encryptsData
      ? { file: reader.string("HUB_DATA_KEY_FILE"), devKeyDir: common.auth.devKeyDir }
      : undefined,
  };
  if (common.environment === "production" && config.dataKeys && config.dataKeys.file === undefined) {
    reader.problems.push(
      "HUB_DATA_KEY_FILE is required when NODE_ENV=production (the data key ring of the values encrypted at rest; no development keys in production)",
    );
  }
  if (common.environment === "production" && config.serviceSecretFile === undefined) {
    reader.problems.push(
      "HUB_SERVICE_SECRET_FILE is required when NODE_ENV=production (the secret subgraphs share for service-to-service calls)",
    );
  }
  if (common.environment === "production" && config.requestSigningPublicKeysDir === undefined) {
    reader.problems.push(
      "HUB_REQUEST_SIGNING_PUBLIC_KEYS_DIR is required when NODE_ENV=production (the public keys of the hub processes this subgraph accepts)",
    );
  }
  reader.done();
  return config;
}

function readTrustedDocuments(reader: EnvReader, environment: Environment): TrustedDocumentsSettings {
  const given = reader.string("HUB_TRUSTED_DOCUMENTS_DIR");
  const dir = given === undefined ? undefined : path.resolve(given);
  const mode = reader.oneOf<TrustedDocumentsSettings["mode"]>(
    "HUB_TRUSTED_DOCUMENTS",
    ["off", "allow", "require"],
    environment !== "production" ? "allow" : dir ? "require" : "off",
  );
  if (mode === "require" && !dir)
    reader.problems.push("HUB_TRUSTED_DOCUMENTS=require needs HUB_TRUSTED_DOCUMENTS_DIR (the manifests to require)");
  return { mode, dir };
}

export function loadGatewayConfig(topology: Topology, env: Env = process.env): GatewayConfig {
  const reader = new EnvReader(env);
  const common = readCommon(reader);
  const config: GatewayConfig = {
    ...common,
    host: reader.string("GATEWAY_HOST", "0.0.0.0")!,
    port: reader.port("GATEWAY_PORT", DEFAULT_GATEWAY_PORT),
    subgraphUrls: readSubgraphUrls(reader, topology),
    supergraphFile: path.resolve(reader.string("SUPERGRAPH_FILE", "supergraph.graphql")!),
    subgraphTimeoutMs: reader.positiveInt("SUBGRAPH_TIMEOUT_MS", 10_000),
    rateLimits: readRateLimits(reader),
    trustedDocuments: readTrustedDocuments(reader, common.environment),
    portal: {
      enabled: reader.oneOf("HUB_PORTAL", ["on", "off"], common.environment === "production" ? "off" : "on") === "on",
      dir: path.resolve(reader.string("HUB_PORTAL_DIR", "portal/dist")!),
    },
    explorer: reader.oneOf("HUB_EXPLORER", ["on", "off"], common.environment === "production" ? "off" : "on") === "on",
  };
  // Production answers to partners' own clients only: a page on the hub's origin holding a
  // pasted production token is one more thing to keep safe, for no partner's need.
  if (config.explorer && common.environment === "production")
    reader.problems.push("HUB_EXPLORER cannot be on when NODE_ENV=production (the explorer is a development aid)");
  reader.done();
  return config;
}

/** Where each process of a hub listens. */
export interface HubPorts {
  gateway: number;
  subgraphs: Record<SubgraphName, number>;
}

/** A block of ports from `base`: the gateway on `base`, the subgraphs on the next ones, in the topology's order. */
export function portBlock(topology: Topology, base: number): HubPorts {
  return {
    gateway: base,
    subgraphs: Object.fromEntries(topology.map(({ name }, index) => [name, base + 1 + index])),
  };
}

/**
 * The variables that put a hub's processes on this machine together: where the gateway
 * and each subgraph listen (loopback), where each finds the others, and each subgraph's
 * database (`databaseUrls`; none given means its embedded PGlite). The one place the
 * supervisor's callers, the benchmark and the tests assemble them.
 */
export function hubEnvironment(
  topology: Topology,
  options: { ports: HubPorts; databaseUrls?: Partial<Record<SubgraphName, string>> },
): Record<string, string> {
  const env: Record<string, string> = {
    GATEWAY_PORT: String(options.ports.gateway),
    GATEWAY_HOST: "127.0.0.1",
  };
  for (const { name } of topology) {
    const port = options.ports.subgraphs[name];
    env[subgraphPortVariable(name)] = String(port);
    env[subgraphUrlVariable(name)] = `http://127.0.0.1:${port}/graphql`;
    env[databaseUrlVariable(name)] = options.databaseUrls?.[name] ?? "";
  }
  return env;
}

/** Every role's requests-per-minute budget set to `perMinute` (tests and the benchmark: many organisations' work from one machine). */
export function rateLimitEnvironment(perMinute: number): Record<string, string> {
  return Object.fromEntries(ROLES.map((role) => [rateLimitVariable(role), String(perMinute)]));
}
