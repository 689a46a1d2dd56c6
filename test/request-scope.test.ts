/**
 * A hub process serving requests enters no AsyncLocalStorage and enables no async hook —
 * on Node 20 either installs promise hooks that cost on every promise — unless diagnostic
 * counters are counted per request (platform/request-scope.ts). A probe preloaded into the
 * subgraph (test/support/async-local-storage-probe.js) reports any use on stderr; the
 * same probe under HUB_DIAGNOSTIC_COUNTERS=on shows that it sees one.
 */
import path from "node:path";
import { person, REGISTER } from "./support/cases";
import { PERSONAS } from "./support/hub";
import { ROOT } from "./support/processes";
import { withStandaloneHub } from "./support/standalone";
import { hubState, testPort } from "./support/state";

const PROBE = path.join(ROOT, "test", "support", "async-local-storage-probe.js");
// A read with an audit append (the group commit), a refusal (an error answer) and a write.
const READ = "{ nationals(first: 20) { edges { node { id caseNumber legalName } } } }";
const REFUSED = "{ auditTrail(first: 1) { edges { node { seq } } } }";

async function asyncContextUses(counters: "totals" | "off" | "on"): Promise<string[]> {
  let uses: string[] = [];
  await withStandaloneHub(
    {
      basePort: testPort(26),
      subgraphs: ["victims"],
      baseEnv: { ...hubState().env, HUB_DIAGNOSTIC_COUNTERS: counters, NODE_OPTIONS: `--require ${PROBE}` },
    },
    async (hub) => {
      const read = await hub.ask("victims", PERSONAS.embassyPH, READ);
      expect(read.errors).toBeUndefined();
      const refused = await hub.ask("victims", PERSONAS.embassyPH, REFUSED);
      expect(refused.errors?.[0]?.extensions?.requestId).toEqual(expect.any(String));
      const written = await hub.ask("victims", PERSONAS.ngo, REGISTER, { victim: person() });
      expect(written.errors).toBeUndefined();
      uses = hub
        .process("victims")!
        .output.join("")
        .split("\n")
        .filter((line) => line.startsWith("ASYNC_CONTEXT_USED"));
    },
  );
  return uses;
}

describe("the request scope", () => {
  it.each(["totals", "off"] as const)(
    "HUB_DIAGNOSTIC_COUNTERS=%s: a subgraph serving reads, refusals and writes uses no AsyncLocalStorage",
    async (counters) => {
      expect(await asyncContextUses(counters)).toEqual([]);
    },
    120_000,
  );

  it("HUB_DIAGNOSTIC_COUNTERS=on (the tests): the probe sees the request scope", async () => {
    expect(await asyncContextUses("on")).toContainEqual(
      expect.stringMatching(/^ASYNC_CONTEXT_USED AsyncLocalStorage\.run/),
    );
  }, 120_000);
});
