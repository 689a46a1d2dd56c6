/**
 * What `npm start` leaves as the last thing on screen once the hub is ready: where to send
 * queries, where the explorer is, where the demo tokens are and how to get one, how to stop.
 *
 * The tokens go to a file under the data directory (mode 0600), never on screen unless
 * asked (`--show-tokens`): screens are shared and recorded, and a token reads as its
 * persona for 12 hours. The file is a shell file: `source` it and each persona's token is
 * a variable (GOVERNMENT_TOKEN, EMBASSY_PH_TOKEN, …).
 */
import fs from "node:fs";
import path from "node:path";
import { defaultOrg, type DevTokenRequest } from "../platform/auth/tokens";

export const TOKENS_FILE = "demo-tokens.env";

export interface PersonaToken {
  /** The persona's key (demo/personas.ts PERSONAS): embassyPH. */
  name: string;
  label: string;
  request: DevTokenRequest;
  token: string;
}

/** embassyPH → EMBASSY_PH_TOKEN. */
export function tokenVariable(name: string): string {
  return `${name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase()}_TOKEN`;
}

/** The command that prints a fresh token for this persona (scripts/token.ts). */
export function tokenCommand(request: DevTokenRequest): string {
  const options = [`--role ${request.role}`];
  if (request.country) options.push(`--country ${request.country}`);
  if (request.shelter) options.push(`--shelter ${request.shelter}`);
  // The token command fills in the same default organisation; name it only when it differs.
  if (request.org && request.org !== defaultOrg(request)) options.push(`--org ${request.org}`);
  return `npm run -s token -- ${options.join(" ")}`;
}

/** A path as the person who ran `npm start` would type it: relative when under their directory. */
export function shownPath(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

/**
 * Writes the tokens to `file`, readable and writable by its owner only. Written under a
 * temporary name created with mode 0600 and renamed over the old file, so no moment exists
 * when the tokens are in a file others may read (a mode given to an existing file is ignored).
 */
export function writeTokensFile(file: string, tokens: readonly PersonaToken[], now = new Date()): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const staging = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}`);
  const shown = shownPath(file);
  const lines = [
    `# Demo tokens made by \`npm start\` at ${now.toISOString()}, each valid 12 hours. Keep them here:`,
    "# whoever holds one reads the hub as that persona.",
    `# In a shell: source ${shown}   then: curl … -H "authorization: Bearer $${tokenVariable(tokens[0]?.name ?? "ngo")}"`,
    ...tokens.flatMap(({ name, label, request, token }) => [
      `# ${label}; a fresh one: ${tokenCommand(request)}`,
      `${tokenVariable(name)}=${token}`,
    ]),
  ];
  fs.rmSync(staging, { force: true });
  fs.writeFileSync(staging, `${lines.join("\n")}\n`, { mode: 0o600, flag: "wx" });
  fs.renameSync(staging, file);
}

export interface Summary {
  seconds: string;
  gatewayPort: number;
  /** The tokens file, or undefined when none was made (production). */
  tokensFile?: string;
  /** The persona the summary's examples use. */
  example?: PersonaToken;
  /** The supervisor's process id, for stopping it from another terminal. */
  pid: number;
  /** Whether the gateway serves the embassy portal (development). */
  portal?: boolean;
}

/** The summary, ≤ 12 lines; the first says "Survivor Hub is ready in" (the benchmark and the tests wait for it). */
export function startSummary(summary: Summary): string {
  const url = `http://localhost:${summary.gatewayPort}/graphql`;
  const tokens =
    summary.tokensFile && summary.example
      ? [
          `  Tokens    ${shownPath(summary.tokensFile)}: one per persona, valid 12 h, readable by you only`,
          `            source it, then send -H "authorization: Bearer $${tokenVariable(summary.example.name)}"`,
          `            or print a fresh one: ${tokenCommand(summary.example.request)}`,
        ]
      : ["  Tokens    none made (NODE_ENV=production): tokens come from your identity provider"];
  return [
    "",
    `Survivor Hub is ready in ${summary.seconds}s`,
    `  GraphQL   ${url}`,
    `  Explorer  ${url}  (open it in a browser)`,
    ...(summary.portal
      ? [`  Portal    http://localhost:${summary.gatewayPort}/portal/  (the embassies' reference app)`]
      : []),
    ...tokens,
    `  Stop      Ctrl-C (or: kill ${summary.pid})`,
    "",
  ].join("\n");
}
