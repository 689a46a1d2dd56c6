/**
 * `npm run -s token`: a mistake gets one clear line on stderr and exit code 2 — never a
 * stack trace, never a token the hub would refuse; a good request prints one token the
 * hub accepts. And the JWT clock tolerance is a validated setting that the verifier uses.
 */
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import jwt from "jsonwebtoken";
import { createTokenVerifier } from "../platform/auth/tokens";
import { ConfigError, loadGatewayConfig } from "../platform/config";
import { SUBGRAPHS } from "../subgraphs/index";
import { postGraphQL } from "./support/hub";
import { ROOT } from "./support/processes";
import { hubState, TEST_PORTS } from "./support/state";

async function token(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [path.join(ROOT, "scripts", "run-built.mjs"), "token", ...args],
      { cwd: ROOT, env: { ...process.env, ...hubState().env, ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("the token command", () => {
  it.each([
    ["an unknown option", ["--role", "ngo", "--colour", "red"], /^token: Unknown option '--colour'$/],
    [
      "an unknown role, listing the roles",
      ["--role", "police"],
      /^token: unknown role "police": the roles are government, ngo, shelter, embassy, repatriation, auditor$/,
    ],
    ["no role", [], /^token: --role is required \(usage: /],
    ["an embassy without --country", ["--role", "embassy"], /^token: an embassy token needs --country/],
    [
      "a country that is not two letters",
      ["--role", "embassy", "--country", "PHL"],
      /^token: --country must be a two-letter ISO 3166-1 code/,
    ],
    ["a shelter without --shelter", ["--role", "shelter"], /^token: a shelter token needs --shelter/],
    [
      "an embassy whose --org names another country (the hub would refuse it)",
      ["--role", "embassy", "--country", "PH", "--org", "embassy-KE"],
      /^token: an embassy token's --org must be embassy-PH/,
    ],
    [
      "a shelter whose --org is another shelter (the hub would refuse it)",
      ["--role", "shelter", "--shelter", "shelter-maesot-1", "--org", "shelter-maesot-2"],
      /^token: a shelter token's --org must be its --shelter/,
    ],
    ["a --ttl it cannot read", ["--role", "ngo", "--ttl", "soon"], /^token: --ttl must be a lifetime/],
    ["a --ttl of zero (a token born expired)", ["--role", "ngo", "--ttl", "0"], /^token: --ttl must be a lifetime/],
    ["an empty --org", ["--role", "ngo", "--org", ""], /^token: --org must not be empty$/],
    ["a stray argument", ["--role", "ngo", "extra"], /^token: Unexpected argument 'extra'$/],
  ])("refuses %s: one line, exit code 2, no token, no stack trace", async (_label, args, message) => {
    const result = await token(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
  });

  it("refuses invalid configuration the same way", async () => {
    const result = await token(["--role", "ngo"], { JWT_CLOCK_TOLERANCE_SECONDS: "lots" });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'token: Invalid configuration: JWT_CLOCK_TOLERANCE_SECONDS must be a whole number from 0 to 300, got "lots"',
    );
  });

  it.each([
    [["--role", "embassy", "--country", "ph"], "embassy-PH"],
    [["--role", "shelter", "--shelter", "shelter-maesot-1", "--ttl", "90m"], "shelter-maesot-1"],
    [["--role", "auditor", "--ttl", "600"], "oversight-board"],
  ])("prints one token the hub accepts for %j", async (args, org) => {
    const result = await token(args);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    const response = await postGraphQL<{ me: { org: string } }>(
      `http://127.0.0.1:${TEST_PORTS.gateway}/graphql`,
      { query: "{ me { org } }" },
      `Bearer ${lines[0]}`,
    );
    expect(response.status).toBe(200);
    expect(response.data?.me.org).toBe(org);
  });
});

describe("JWT_CLOCK_TOLERANCE_SECONDS", () => {
  it("defaults to 5 s, accepts 0-300, and refuses anything else by name", () => {
    expect(loadGatewayConfig(SUBGRAPHS, {}).auth.clockToleranceSeconds).toBe(5);
    expect(loadGatewayConfig(SUBGRAPHS, { JWT_CLOCK_TOLERANCE_SECONDS: "0" }).auth.clockToleranceSeconds).toBe(0);
    expect(loadGatewayConfig(SUBGRAPHS, { JWT_CLOCK_TOLERANCE_SECONDS: "300" }).auth.clockToleranceSeconds).toBe(300);
    for (const bad of ["-1", "301", "2.5", "five"]) {
      expect(() => loadGatewayConfig(SUBGRAPHS, { JWT_CLOCK_TOLERANCE_SECONDS: bad })).toThrow(ConfigError);
      expect(() => loadGatewayConfig(SUBGRAPHS, { JWT_CLOCK_TOLERANCE_SECONDS: bad })).toThrow(
        `JWT_CLOCK_TOLERANCE_SECONDS must be a whole number from 0 to 300, got "${bad}"`,
      );
    }
  });

  it("is what the verifier allows: a token expired 20 s ago passes with 30, not with 5", () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const auth = { issuer: "hub", audience: "hub", devKeyDir: "/nonexistent" };
    const expired = jwt.sign({ org: "ngo-x", role: "ngo", exp: Math.floor(Date.now() / 1000) - 20 }, privateKey, {
      algorithm: "RS256",
      issuer: "hub",
      audience: "hub",
      subject: "someone",
    });
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(() => createTokenVerifier({ ...auth, clockToleranceSeconds: 5 }, pem).verify(`Bearer ${expired}`)).toThrow(
      /expired/,
    );
    expect(createTokenVerifier({ ...auth, clockToleranceSeconds: 30 }, pem).verify(`Bearer ${expired}`).org).toBe(
      "ngo-x",
    );
  });
});
