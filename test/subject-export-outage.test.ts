/**
 * The survivor's copy is complete or not given: with one subgraph down, `exportSubjectData`
 * answers SERVICE_UNAVAILABLE naming it, and no partial document; back up, the copy is whole
 * again. On a hub of its own (ports: gateway offset 70, never started; subgraphs 71-74).
 */
import { PERSONAS } from "./support/hub";
import { withStandaloneHub } from "./support/standalone";
import { testPort } from "./support/state";

const EXPORT = "query ($victimId: ID!) { exportSubjectData(victimId: $victimId) }";

it("with a subgraph down the copy is refused whole, naming it; with it back the copy has every subgraph's part", async () => {
  await withStandaloneHub(
    { basePort: testPort(70), subgraphs: ["victims", "shelters", "embassies"], gateway: false },
    async (hub) => {
      const government = PERSONAS.government;
      const page = await hub.ask<{ victims: { edges: Array<{ node: { id: string } }> } }>(
        "victims",
        government,
        "{ victims(first: 1) { edges { node { id } } } }",
      );
      const victimId = page.data!.victims.edges[0].node.id;
      const down = await hub.ask<{ exportSubjectData: unknown }>("victims", government, EXPORT, { victimId });
      expect(down.data?.exportSubjectData ?? null).toBeNull();
      expect(down.errors?.map((error) => [error.extensions?.code, error.extensions?.serviceName])).toEqual([
        ["SERVICE_UNAVAILABLE", "repatriation"],
      ]);
      expect(JSON.stringify(down)).not.toMatch(/survivor-hub\/subject-export|ECONNREFUSED|stack/);

      await hub.start("repatriation");
      const back = await hub.ask<{ exportSubjectData: { records: Record<string, unknown> } }>(
        "victims",
        government,
        EXPORT,
        { victimId },
      );
      expect(back.errors).toBeUndefined();
      expect(Object.keys(back.data!.exportSubjectData.records).sort()).toEqual([
        "embassies",
        "repatriation",
        "shelters",
        "victims",
      ]);
    },
  );
}, 120_000);
