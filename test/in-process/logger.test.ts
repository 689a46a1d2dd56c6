/**
 * The log format (platform/logger.ts): JSON unless stdout is a terminal, pino-pretty's
 * lines on one, LOG_FORMAT=json|pretty overriding either way — each in a real process,
 * on a pipe and on a real pseudo-terminal (util-linux `script`). Pretty lines hold nothing
 * the JSON lines of the same records do not: they are made from pino's serialised line,
 * after the request log's serializers have dropped the token, the query string and the body.
 */
import { execFileSync } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { Writable } from "node:stream";
import { ConfigError, loadGatewayConfig } from "../../platform/config";
import { requestLog } from "../../platform/http";
import { createLogger, type LogFormat } from "../../platform/logger";
import { ROOT } from "../../platform/processes";
import { SUBGRAPHS } from "../../subgraphs/index";
import { testPort } from "../support/state";
import { hasScript } from "../support/pseudo-terminal";

const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const PROBE = path.join(__dirname, "log-probe.ts");
const ANSI = /\x1b\[[0-9;]*m/g; // eslint-disable-line no-control-regex -- colour escapes are stripped before reading a line

/** The probe's output, its stdout a pipe or (`terminal`) a pseudo-terminal. */
function probe(logFormat: string | undefined, terminal: boolean): string {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.LOG_FORMAT;
  delete env.FORCE_COLOR;
  if (logFormat !== undefined) env.LOG_FORMAT = logFormat;
  const output = terminal
    ? execFileSync("script", ["-qefc", `exec '${process.execPath}' '${TSX}' '${PROBE}'`, "/dev/null"], {
        env,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      })
    : execFileSync(process.execPath, [TSX, PROBE], { env, encoding: "utf8" });
  return output.replace(/\r/g, "").replace(ANSI, "").trim();
}

function expectJson(line: string): void {
  expect(JSON.parse(line)).toMatchObject({ level: 30, name: "log-probe", msg: "probe line", count: 3 });
}

function expectPretty(line: string): void {
  expect(() => JSON.parse(line)).toThrow();
  expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(log-probe\): probe line \{"count":3\}$/);
}

describe("the log format", () => {
  it("piped: JSON by default, pretty with LOG_FORMAT=pretty", () => {
    expectJson(probe(undefined, false));
    expectPretty(probe("pretty", false));
    expectJson(probe("json", false));
  });

  (hasScript ? it : it.skip)(
    `on a terminal: pretty by default, JSON with LOG_FORMAT=json${hasScript ? "" : " (skipped: util-linux `script` is not installed)"}`,
    () => {
      expectPretty(probe(undefined, true));
      expectJson(probe("json", true));
    },
  );

  it("LOG_FORMAT is checked with the rest of the configuration", () => {
    expect(loadGatewayConfig(SUBGRAPHS, {}).logFormat).toBeUndefined();
    expect(loadGatewayConfig(SUBGRAPHS, { LOG_FORMAT: "pretty" }).logFormat).toBe("pretty");
    expect(() => loadGatewayConfig(SUBGRAPHS, { LOG_FORMAT: "colour" })).toThrow(ConfigError);
    expect(() => loadGatewayConfig(SUBGRAPHS, { LOG_FORMAT: "colour" })).toThrow(
      'LOG_FORMAT must be one of json, pretty, got "colour"',
    );
  });

  it("pretty lines show nothing the JSON lines of the same records do not: no token, query string or body", async () => {
    const captured: Record<LogFormat, string> = { json: "", pretty: "" };
    const server = http.createServer();
    for (const format of ["json", "pretty"] as const) {
      const destination = new Writable({
        write(chunk: Buffer, _encoding, done) {
          captured[format] += chunk.toString();
          done();
        },
      });
      const log = requestLog(createLogger("gateway", "info", format, destination));
      server.on("request", (request, response) => log(request as never, response as never, () => undefined));
      // Another record of the kinds the hub logs: a warning with fields.
      createLogger("gateway", "info", format, destination).warn({ fields: ["Victim.legalName"] }, "unpoliced");
    }
    server.on("request", (_request, response) => response.end("{}"));
    const port = testPort(97);
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    try {
      await fetch(`http://127.0.0.1:${port}/graphql?name=Maria%20Santos`, {
        method: "POST",
        headers: { authorization: "Bearer eyJsecret.eyJtoken.sig", "content-type": "application/json" },
        body: JSON.stringify({ query: "{ victims { legalName } }", variables: { name: "Maria Santos" } }),
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    for (const format of ["json", "pretty"] as const) {
      expect(captured[format]).toContain("/graphql");
      for (const secret of ["eyJsecret", "Maria", "Santos", "legalName }"])
        expect(captured[format]).not.toContain(secret);
    }
    // Word by word, after the time, level and name pretty puts in front: every word of a pretty line is in the
    // JSON. Words with a letter: the two loggers timed the request each for itself (responseTime).
    const words = (text: string) =>
      new Set((text.match(/[A-Za-z0-9_.\-/]+/g) ?? []).filter((word) => /[A-Za-z]/.test(word)));
    const json = words(captured.json);
    const pretty = captured.pretty
      .trim()
      .split("\n")
      .map((line) => line.replace(/^\[[\d:.]+\] [A-Z]+ \([\w-]+\): /, ""));
    expect(pretty).toHaveLength(2);
    expect([...words(pretty.join("\n"))].filter((word) => !json.has(word))).toEqual([]);
  });
});
