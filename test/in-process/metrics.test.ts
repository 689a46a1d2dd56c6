/**
 * The rules behind `/metrics` that need no hub (platform/metrics.ts, metric-labels.ts):
 * which operation names become labels, who may read the route in which environment, and
 * the settings that decide it. The routes themselves: test/metrics.test.ts and
 * test/attacks/metrics.test.ts.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigError, loadGatewayConfig } from "../../platform/config";
import { admissibleOperationName, MAX_OPERATION_LABELS, OperationLabels } from "../../platform/metric-labels";
import { carriesMetricsToken, codeLabel, metricsAccess, roleLabel } from "../../platform/metrics";
import { SUBGRAPHS } from "../../subgraphs/index";

describe("operation names as labels", () => {
  it("admits GraphQL names only, without ids, dates, case or phone numbers", () => {
    for (const name of ["NationalsDashboard", "victimCase", "Dashboard__victims__0", "Top10", "_internal"])
      expect(admissibleOperationName(name)).toBe(true);
    for (const name of [
      "Ana Demo-042",
      "ana.demo@example.org",
      "3f2a9c1e-4b7d-4e21-9a6b-0c5d8e7f1a2b",
      "Victim_3f2a9c1e_4b7d_4e21_9a6b_0c5d8e7f1a2b",
      "Born_1990_05_12",
      "Case_MS_2026_0042",
      "1stQuery",
      `Long${"x".repeat(61)}`,
      "anonymous",
      "other",
      "",
    ])
      expect(admissibleOperationName(name)).toBe(false);
  });

  it("keeps at most the cap of distinct names among 10,000, the rest 'other', no name 'anonymous'", () => {
    const labels = new OperationLabels();
    const seen = new Set<string>();
    for (let index = 0; index < 10_000; index += 1) seen.add(labels.of(`Flood_${index}`));
    expect(labels.size).toBe(MAX_OPERATION_LABELS);
    expect(seen.size).toBe(MAX_OPERATION_LABELS + 1);
    expect(seen).toContain("other");
    // A name admitted before stays its own label; a new one after the cap does not.
    expect(labels.of("Flood_0")).toBe("Flood_0");
    expect(labels.of("NationalsDashboard")).toBe("other");
    expect(labels.of(undefined)).toBe("anonymous");
    expect(labels.of(null)).toBe("anonymous");
  });

  it("with an operator's list (HUB_METRICS_OPERATIONS), labels only the names listed", () => {
    const labels = new OperationLabels();
    labels.allowOnly(new Set(["NationalsDashboard"]));
    expect(labels.of("NationalsDashboard")).toBe("NationalsDashboard");
    expect(labels.of("AnaDemo")).toBe("other");
    const config = loadGatewayConfig(SUBGRAPHS, { HUB_METRICS_OPERATIONS: "NationalsDashboard, VictimCase" });
    expect([...(config.metricsOperations ?? [])]).toEqual(["NationalsDashboard", "VictimCase"]);
    expect(() => loadGatewayConfig(SUBGRAPHS, { HUB_METRICS_OPERATIONS: "Fine,Not fine" })).toThrow(ConfigError);
  });

  it("bounds codes and roles to the hub's own", () => {
    expect(codeLabel("NOT_FOUND")).toBe("NOT_FOUND");
    expect(codeLabel("Ana Demo-042")).toBe("other");
    expect(codeLabel(undefined)).toBe("other");
    expect(roleLabel("embassy")).toBe("embassy");
    expect(roleLabel("embassy-PH")).toBe("other");
  });
});

describe("who may read /metrics", () => {
  let dir = "";
  // Made in beforeAll, not when the file loads: a run filtered to other tests leaves nothing behind.
  beforeAll(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), "survivor-hub-metrics-"))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const tokenFile = (content: string) => {
    const file = path.join(dir, randomBytes(6).toString("hex"));
    fs.writeFileSync(file, content);
    return file;
  };

  it("outside production: anyone, unless a token is set; in production: nobody (no route) without one", () => {
    expect(metricsAccess({ environment: "development" }).kind).toBe("open");
    expect(metricsAccess({ environment: "test" }).kind).toBe("open");
    expect(metricsAccess({ environment: "production" }).kind).toBe("off");
    const token = randomBytes(32).toString("base64url");
    for (const environment of ["development", "production"] as const)
      expect(metricsAccess({ environment, metricsTokenFile: tokenFile(`${token}\n`) }).kind).toBe("token");
    expect(loadGatewayConfig(SUBGRAPHS, { HUB_METRICS_TOKEN_FILE: "/x/metrics-token" }).metricsTokenFile).toBe(
      "/x/metrics-token",
    );
  });

  it("refuses to start with a token file that is missing, short or more than one token", () => {
    for (const file of [
      path.join(dir, "missing"),
      tokenFile("short\n"),
      tokenFile(`${"a".repeat(40)} ${"b".repeat(40)}`),
    ])
      expect(() => metricsAccess({ environment: "production", metricsTokenFile: file })).toThrow(ConfigError);
  });

  it("takes the token only from `Authorization: Bearer`, whole", () => {
    const token = randomBytes(32).toString("base64url");
    const access = metricsAccess({ environment: "production", metricsTokenFile: tokenFile(token) });
    if (access.kind !== "token") throw new Error("expected a token");
    expect(carriesMetricsToken(`Bearer ${token}`, access.digest)).toBe(true);
    // The scheme's name is case-insensitive (RFC 9110); the token is not.
    expect(carriesMetricsToken(`bearer ${token}`, access.digest)).toBe(true);
    expect(carriesMetricsToken(`Bearer ${token.toUpperCase()}`, access.digest)).toBe(false);
    for (const header of [undefined, "", token, `Bearer ${token}x`, `Bearer ${token.slice(1)}`, `Bearer  ${token}`])
      expect(carriesMetricsToken(header, access.digest)).toBe(false);
  });
});
