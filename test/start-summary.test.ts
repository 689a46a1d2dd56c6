/**
 * What `npm start` leaves on screen (scripts/start.ts, scripts/start-summary.ts): the
 * children's start lines, one info line per process, then the summary as the last thing —
 * gateway and explorer URLs, where the tokens are, how to get one, how to stop — in at most
 * 12 lines, and no token unless `--show-tokens` asks. The tokens are in a file of the data
 * directory that only its owner may read, and each works at the gateway as its persona.
 * Piped (as here, CI, containers) the logs are JSON; on a terminal (a real pseudo-terminal,
 * made by util-linux `script`) they are pino-pretty's lines, and Ctrl-C stops the hub.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { DEMO_PERSONAS } from "../demo/personas";
import { TOKENS_FILE, tokenVariable } from "../scripts/start-summary";
import { SUBGRAPHS } from "../subgraphs/index";
import { postGraphQL } from "./support/hub";
import { DIST, ROOT } from "./support/processes";
import { testPort } from "./support/state";
import {
  makeDataDir,
  startSupervisor,
  stopSupervisor,
  supervisedEnv,
  waitSupervisorReady,
  type SupervisedHub,
} from "./support/supervised";
import { hasScript } from "./support/pseudo-terminal";

const READY = "Survivor Hub is ready in";
const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;
const ME = "{ me { org role country shelter } }";
const ANSI = /\x1b\[[0-9;]*m/g; // eslint-disable-line no-control-regex -- the escapes a terminal gets are what is stripped

/** The lines before the summary (blank ones dropped) and the summary's own, from its first line to the end. */
function splitAtSummary(output: string): { before: string[]; summary: string[] } {
  const lines = output.replace(/\r/g, "").split("\n");
  const start = lines.findIndex((line) => line.startsWith(READY));
  expect(start).toBeGreaterThan(0);
  const summary = lines.slice(start);
  while (summary.length > 0 && summary[summary.length - 1].trim() === "") summary.pop();
  return { before: lines.slice(0, start).filter((line) => line.trim() !== ""), summary };
}

function isJsonObject(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null;
  } catch {
    return false;
  }
}

/** Checks the summary's lines against the hub's ports, data directory and supervisor. */
function expectSummary(summary: string[], gatewayPort: number, dataDir: string, pid: number): void {
  expect(summary.length).toBeLessThanOrEqual(12);
  const text = summary.join("\n");
  expect(text).toMatch(new RegExp(`GraphQL +http://localhost:${gatewayPort}/graphql`));
  expect(text).toMatch(new RegExp(`Explorer +http://localhost:${gatewayPort}/graphql .*browser`));
  expect(text).toContain(path.join(dataDir, TOKENS_FILE));
  expect(text).toContain("npm run -s token -- --role ");
  expect(text).toContain(`Ctrl-C (or: kill ${pid})`);
  expect(text).not.toMatch(JWT);
}

/** The tokens file's variables; every persona has one. */
function readTokens(file: string): Record<string, string> {
  const tokens = Object.fromEntries(
    fs
      .readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  expect(Object.keys(tokens).sort()).toEqual(DEMO_PERSONAS.map(({ name }) => tokenVariable(name)).sort());
  return tokens;
}

async function waitFor(what: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms:\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("npm start's screen", () => {
  it("piped: JSON lines, one info line per process, then the summary last (≤ 12 lines, no token); the tokens file is 0600, sourceable, and each token works at the gateway as its persona", async () => {
    const dataDir = makeDataDir();
    const gatewayPort = testPort(120);
    const hub: SupervisedHub = startSupervisor({
      ...supervisedEnv(gatewayPort, dataDir),
      LOG_LEVEL: "info",
      // Empty is unset (platform/config.ts): the default for a pipe is under test.
      LOG_FORMAT: "",
    });
    try {
      await waitSupervisorReady(hub, 120_000);
      await waitFor(() => hub.output().includes("  Stop "), 10_000, hub.output);
      // Anything a child still had to say would come now, after the summary.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const output = hub.output();
      const { before, summary } = splitAtSummary(output);
      expectSummary(summary, gatewayPort, dataDir, hub.process.child.pid!);
      expect(output).not.toMatch(JWT);

      // Every line before it is a JSON log record; at info, exactly one per process: its ready line.
      // A line that is not one (a child's start failure, say) is shown whole, with the screen around it.
      const notRecords = before.filter((line) => !isJsonObject(line));
      expect({ notRecords, output: notRecords.length > 0 ? output : "" }).toEqual({ notRecords: [], output: "" });
      const records = before.map((line) => JSON.parse(line) as { level: number; name: string; msg: string });
      const info = records.filter((record) => record.level === 30);
      expect(info.map((record) => `${record.name}: ${record.msg}`).sort()).toEqual(
        ["gateway: gateway ready", ...SUBGRAPHS.map(({ name }) => `subgraph-${name}: subgraph ready`)].sort(),
      );

      const file = path.join(dataDir, TOKENS_FILE);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const tokens = readTokens(file);
      // `source` it, as the summary says.
      const sourced = execFileSync("sh", ["-c", '. "$1" && printf %s "$EMBASSY_PH_TOKEN"', "sh", file], {
        encoding: "utf8",
      });
      expect(sourced).toBe(tokens.EMBASSY_PH_TOKEN);
      for (const { name, request } of DEMO_PERSONAS) {
        const answer = await postGraphQL<{ me: Record<string, unknown> }>(
          `http://127.0.0.1:${gatewayPort}/graphql`,
          { query: ME },
          `Bearer ${tokens[tokenVariable(name)]}`,
        );
        expect({ persona: name, errors: answer.errors, me: answer.data?.me }).toEqual({
          persona: name,
          errors: undefined,
          me: {
            org: request.org,
            role: request.role,
            country: request.country ?? null,
            shelter: request.shelter ?? null,
          },
        });
      }
      expect((await stopSupervisor(hub)).code).toBe(0);
    } finally {
      await stopSupervisor(hub);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);

  (hasScript ? it : it.skip)(
    `on a terminal${hasScript ? "" : " (skipped: util-linux `script`, which makes the pseudo-terminal, is not installed)"}: pino-pretty lines in colour, no JSON; --show-tokens prints the file's tokens; the summary is still last; Ctrl-C stops the hub`,
    async () => {
      const dataDir = makeDataDir();
      const gatewayPort = testPort(125);
      const env: NodeJS.ProcessEnv = { ...process.env, ...supervisedEnv(gatewayPort, dataDir), LOG_LEVEL: "info" };
      delete env.LOG_FORMAT;
      delete env.NO_COLOR;
      delete env.FORCE_COLOR;
      const command = `exec '${process.execPath}' '${path.join(DIST, "scripts", "start.js")}' --show-tokens`;
      // -q: no banner; -e: its exit code is the supervisor's; -f: output as it comes; -c: the command, run on the terminal.
      const terminal = spawn("script", ["-qefc", command, "/dev/null"], {
        cwd: ROOT,
        env,
        stdio: ["pipe", "pipe", "pipe"],
      });
      let raw = "";
      terminal.stdout.on("data", (chunk: Buffer) => void (raw += chunk.toString()));
      terminal.stderr.on("data", (chunk: Buffer) => void (raw += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => terminal.once("exit", (code) => resolve(code)));
      try {
        await waitFor(
          () => raw.includes("  Stop "),
          150_000,
          () => raw,
        );
        await new Promise((resolve) => setTimeout(resolve, 1000));
        expect(raw).toMatch(ANSI);
        const { before, summary } = splitAtSummary(raw.replace(ANSI, ""));
        const pid = Number(/kill (\d+)\)/.exec(summary.join("\n"))?.[1]);
        expectSummary(summary, gatewayPort, dataDir, pid);

        const tokens = Object.values(readTokens(path.join(dataDir, TOKENS_FILE)));
        for (const token of tokens) expect(before).toContain(token);
        const logLines = before.filter((line) => !line.startsWith("# ") && !tokens.includes(line));
        for (const line of logLines) expect(() => JSON.parse(line)).toThrow();
        for (const name of ["gateway", ...SUBGRAPHS.map(({ name }) => `subgraph-${name}`)])
          expect(
            logLines.some((line) => new RegExp(`INFO \\(${name}\\): (subgraph|gateway) ready \\{`).test(line)),
          ).toBe(true);

        // Ctrl-C on the terminal: SIGINT to its foreground processes, as a person's would.
        terminal.stdin.write("\x03");
        expect(await exited).toBe(0);
        expect(raw).toContain("[supervisor] stopping");
        for (const { name } of SUBGRAPHS) expect(fs.existsSync(path.join(dataDir, `${name}.pid`))).toBe(false);
      } finally {
        const pid = Number(/kill (\d+)\)/.exec(raw)?.[1]);
        if (terminal.exitCode === null && pid > 0) {
          try {
            process.kill(pid, "SIGTERM");
          } catch {
            // already gone
          }
          await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
        }
        terminal.kill("SIGKILL");
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
    300_000,
  );
});
