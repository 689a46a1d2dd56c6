/**
 * `npm run -s token -- --role embassy --country PH` prints one development token and
 * nothing else, so scripts can use it. Options: --role, --org, --sub, --country,
 * --shelter, --ttl (seconds, or a number with s, m, h or d: 600, 90m, 2h, 7d).
 *
 * It refuses (one line on stderr, exit code 2, no token) whatever would give a token
 * the hub then refuses: an unknown role or option, an embassy without a two-letter
 * --country, a shelter without --shelter, an empty --org or --sub, a --ttl it cannot read.
 */
import { parseArgs } from "node:util";
import { ROLES, isRole, type Role } from "../platform/auth/claims";
import { signDevToken, type DevTokenRequest } from "../platform/auth/tokens";
import { loadGatewayConfig } from "../platform/config";
import { SUBGRAPHS } from "../subgraphs/index";

const USAGE = `usage: npm run -s token -- --role <${ROLES.join("|")}> [--org ID] [--sub ID] [--country XX] [--shelter ID] [--ttl 12h]`;
const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const MAX_TTL_SECONDS = 365 * 86_400;

class UsageError extends Error {}

/** Seconds, from "600", "90m", "2h", "7d"; more than zero and at most a year. */
function parseTtl(raw: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(raw.trim());
  const seconds = match ? Number(match[1]) * TTL_UNITS[match[2] || "s"] : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0 || seconds > MAX_TTL_SECONDS) {
    throw new UsageError(
      `--ttl must be a lifetime of more than 0 seconds and at most 365d, in seconds or with s, m, h or d (e.g. 600, 90m, 2h, 7d), got "${raw}"`,
    );
  }
  return seconds;
}

function nonEmpty(option: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === "") throw new UsageError(`--${option} must not be empty`);
  return value?.trim();
}

function readRequest(args: string[]): DevTokenRequest {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        role: { type: "string" },
        org: { type: "string" },
        sub: { type: "string" },
        country: { type: "string" },
        shelter: { type: "string" },
        ttl: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // parseArgs' own message names the option, e.g. "Unknown option '--rol'" (and then a hint with "--" for positionals).
    throw new UsageError((error as Error).message.split(". ")[0].replace(/\.$/, ""));
  }
  if (values.role === undefined) throw new UsageError(`--role is required (${USAGE})`);
  if (!isRole(values.role)) throw new UsageError(`unknown role "${values.role}": the roles are ${ROLES.join(", ")}`);
  const role: Role = values.role;
  const country = nonEmpty("country", values.country)?.toUpperCase();
  if (country !== undefined && !/^[A-Z]{2}$/.test(country))
    throw new UsageError(`--country must be a two-letter ISO 3166-1 code such as PH, got "${values.country}"`);
  if (role === "embassy" && country === undefined)
    throw new UsageError(
      "an embassy token needs --country, the two-letter code of the state it represents (e.g. --country PH)",
    );
  if (role === "embassy" && values.org !== undefined && values.org !== `embassy-${country}`)
    throw new UsageError(`an embassy token's --org must be embassy-${country}, or left out`);
  const shelter = nonEmpty("shelter", values.shelter);
  if (role === "shelter" && shelter === undefined)
    throw new UsageError(
      "a shelter token needs --shelter, the id of the shelter its holder works at (e.g. --shelter shelter-maesot-1)",
    );
  // The hub refuses a shelter token whose org and shelter differ (a shelter's organisation is the shelter).
  if (role === "shelter" && values.org !== undefined && values.org !== shelter)
    throw new UsageError(`a shelter token's --org must be its --shelter (${shelter}), or left out`);
  return {
    role,
    org: nonEmpty("org", values.org),
    sub: nonEmpty("sub", values.sub),
    country,
    shelter,
    ttl: values.ttl === undefined ? undefined : parseTtl(values.ttl),
  };
}

function main(): number {
  try {
    const request = readRequest(process.argv.slice(2));
    const config = loadGatewayConfig(SUBGRAPHS);
    if (config.environment === "production")
      throw new UsageError("development tokens are not available when NODE_ENV=production");
    process.stdout.write(signDevToken(config.auth, request) + "\n");
    return 0;
  } catch (error) {
    // One line, never a stack trace: a configuration problem lists its variables on one line too.
    const message =
      error instanceof Error ? error.message.replace(/\n\s*-\s*/g, "; ").replace(/:;/, ":") : String(error);
    console.error(`token: ${message}`);
    return 2;
  }
}

process.exitCode = main();
