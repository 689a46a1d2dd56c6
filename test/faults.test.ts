/**
 * Staying up through faults, on a hub of its own (its processes are killed here):
 * a subgraph killed during a cross-subgraph workload leaves the other fields answered
 * and recovers by itself; writes acknowledged before a kill -9 are all there after the
 * restart (on the embedded PGlite default); SIGTERM during load finishes every request
 * already accepted.
 */
import { PERSONAS, type GraphQLResponse } from "./support/hub";
import { withStandaloneHub, type StandaloneHub } from "./support/standalone";
import { testPort } from "./support/state";

const embassy = PERSONAS.embassyPH;
const DASHBOARD = `{ nationals(first: 20) { edges { node { caseNumber legalName currentPlacement { placedAt } travelDocuments { kind } repatriation { status } } } } }`;
type Dashboard = {
  nationals: {
    edges: Array<{
      node: { caseNumber: string; legalName: string; currentPlacement: unknown; travelDocuments: unknown };
    }>;
  };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isComplete(response: GraphQLResponse<Dashboard>): boolean {
  return response.status === 200 && !response.errors && (response.data?.nationals.edges.length ?? 0) > 0;
}

describe("logs", () => {
  it("follow one request across processes by its request id, and hold no token and no personal value", async () => {
    await withStandaloneHub(
      {
        basePort: testPort(31),
        subgraphs: ["victims", "shelters", "embassies", "repatriation"],
        gateway: true,
        logLevel: "info",
      },
      async (hub) => {
        const token = hub.token(embassy);
        const response = await fetch(hub.url("gateway"), {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${token}`,
            "x-request-id": "follow-me-42",
          },
          body: JSON.stringify({ query: DASHBOARD }),
        });
        const body = (await response.json()) as GraphQLResponse<Dashboard>;
        const legalNames = body.data!.nationals.edges.map((edge) => edge.node.legalName);
        expect(legalNames.length).toBeGreaterThan(0);
        // The gateway makes its own request id (a client's binds nothing) and answers with it.
        const requestId = response.headers.get("x-request-id")!;
        expect(requestId).not.toBe("follow-me-42");
        await sleep(200);
        const lines = (name: "gateway" | "victims" | "shelters") =>
          hub
            .process(name)!
            .output.join("")
            .split("\n")
            .filter((line) => line.includes(requestId));
        for (const name of ["gateway", "victims", "shelters"] as const) {
          const entries = lines(name).map(
            (line) => JSON.parse(line) as { req?: { requestId?: string }; org?: string; msg: string },
          );
          expect(
            entries.some(
              (entry) =>
                entry.req?.requestId === requestId && entry.org === "embassy-PH" && entry.msg === "request completed",
            ),
          ).toBe(true);
        }
        const everything = ["gateway", "victims", "shelters", "embassies", "repatriation"]
          .map((name) => hub.process(name as "gateway")!.output.join(""))
          .join("");
        expect(everything).not.toContain(token.split(".")[2]);
        for (const legalName of legalNames) expect(everything).not.toContain(legalName);
      },
    );
  });
});

describe("faults", () => {
  it("a subgraph killed during a workload: the other fields keep coming, with an error naming it; full answers are back within 5 s of its return", async () => {
    await withStandaloneHub(
      { basePort: testPort(31), subgraphs: ["victims", "shelters", "embassies", "repatriation"], gateway: true },
      async (hub: StandaloneHub) => {
        expect(isComplete(await hub.ask<Dashboard>("gateway", embassy, DASHBOARD))).toBe(true);
        await hub.stop("shelters", "SIGKILL");
        for (let round = 0; round < 5; round += 1) {
          const partial = await hub.ask<Dashboard>("gateway", embassy, DASHBOARD);
          expect(partial.status).toBe(200);
          const nodes = partial.data!.nationals.edges.map((edge) => edge.node);
          expect(nodes.length).toBeGreaterThan(0);
          expect(nodes.every((node) => node.legalName && node.currentPlacement === null)).toBe(true);
          expect(
            partial.errors!.some(
              (error) =>
                error.extensions?.code === "SERVICE_UNAVAILABLE" && error.extensions?.serviceName === "shelters",
            ),
          ).toBe(true);
          expect(JSON.stringify(partial.errors)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);
        }
        await hub.start("shelters");
        const back = Date.now();
        let complete = false;
        while (!complete && Date.now() - back < 5000) {
          complete = isComplete(await hub.ask<Dashboard>("gateway", embassy, DASHBOARD));
          if (!complete) await sleep(100);
        }
        expect(complete).toBe(true);
      },
    );
  });

  it("kill -9 while writing: every write acknowledged to a client is there after the restart (embedded PGlite)", async () => {
    await withStandaloneHub({ basePort: testPort(31), subgraphs: ["victims"] }, async (hub) => {
      const acknowledged: string[] = [];
      let writing = true;
      const writer = async (worker: number) => {
        for (let index = 0; writing; index += 1) {
          try {
            const response = await hub.ask<{ registerVictim: { id: string } }>(
              "victims",
              PERSONAS.government,
              `mutation { registerVictim(victim: { nationality: "KE", gender: FEMALE, ageBracket: AGE_18_25, preferredName: "Durable ${worker}-${index} (fictional)" }) { id } }`,
            );
            if (response.data?.registerVictim) acknowledged.push(response.data.registerVictim.id);
          } catch {
            // The process died mid-request: that write was never acknowledged.
            return;
          }
        }
      };
      const writers = [0, 1, 2, 3].map(writer);
      await sleep(1500);
      await hub.stop("victims", "SIGKILL");
      writing = false;
      await Promise.all(writers);
      expect(acknowledged.length).toBeGreaterThan(5);
      await hub.start("victims");
      const found = await hub.ask<{ victims: { totalCount: number } }>(
        "victims",
        PERSONAS.government,
        "{ victims(first: 1) { totalCount } }",
      );
      expect(found.data!.victims.totalCount).toBeGreaterThanOrEqual(260 + acknowledged.length);
      const missing: string[] = [];
      for (const id of acknowledged) {
        const response = await hub.ask<{ victim: { id: string } | null }>(
          "victims",
          PERSONAS.government,
          `{ victim(id: "${id}") { id } }`,
        );
        if (response.data?.victim?.id !== id) missing.push(id);
      }
      expect(missing).toEqual([]);
    });
  });

  it("SIGTERM during load: every request already accepted is answered in full; the process then exits cleanly", async () => {
    await withStandaloneHub({ basePort: testPort(31), subgraphs: ["victims"] }, async (hub) => {
      const heavy =
        "{ victims(first: 100) { totalCount edges { node { caseNumber legalName medicalNeeds consents { kind } referrals { status } } } } }";
      const inFlight = Array.from({ length: 24 }, () =>
        hub.ask<{ victims: { edges: unknown[] } }>("victims", PERSONAS.government, heavy).then(
          (response) => response,
          (error: Error) => error,
        ),
      );
      await sleep(50);
      const process = hub.process("victims")!;
      const exited = new Promise<number | null>((resolve) => process.child.once("exit", resolve));
      process.child.kill("SIGTERM");
      const answers = await Promise.all(inFlight);
      // All 24 were sent before the signal: every one is answered in full.
      const full = answers.filter(
        (answer): answer is GraphQLResponse<{ victims: { edges: unknown[] } }> =>
          !(answer instanceof Error) && answer.status === 200 && !answer.errors,
      );
      expect(
        answers
          .filter((answer) => !full.includes(answer as GraphQLResponse<{ victims: { edges: unknown[] } }>))
          .map((answer) => `${String(answer)} ${String((answer as { cause?: unknown }).cause)}`),
      ).toEqual([]);
      for (const answer of full) expect(answer.data!.victims.edges).toHaveLength(100);
      expect(await exited).toBe(0);
    });
  });
});
