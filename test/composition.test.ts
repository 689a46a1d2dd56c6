/** The committed supergraph is what the subgraphs compose to, and every field has a policy. */
import fs from "node:fs";
import path from "node:path";
import { composeSupergraph } from "../gateway/compose";

describe("composition", () => {
  it("composes the four subgraphs into the committed supergraph.graphql (run `npm run compose` if this fails)", async () => {
    const { supergraphSdl } = await composeSupergraph();
    const committed = fs.readFileSync(path.join(__dirname, "..", "supergraph.graphql"), "utf8");
    expect(committed.trimEnd()).toBe(supergraphSdl.trimEnd());
  });

  it("the committed api-schema.graphql, which partner apps generate code from, is the supergraph's API schema (run `npm run compose`)", async () => {
    const { apiSchemaSdl } = await composeSupergraph();
    const committed = fs.readFileSync(path.join(__dirname, "..", "api-schema.graphql"), "utf8");
    expect(committed.trimEnd()).toBe(apiSchemaSdl.trimEnd());
    expect(apiSchemaSdl).not.toContain("join__");
  });

  it("has an access-policy entry for every field of every subgraph", async () => {
    const { unpoliced } = await composeSupergraph();
    expect(unpoliced).toEqual([]);
  });

  it("carries the policy in the SDL: @visibleTo on fields and a 'Visible to' line in descriptions", async () => {
    const { supergraphSdl } = await composeSupergraph();
    expect(supergraphSdl).toContain('@link(url: "https://survivor-hub.org/access/v1.0", import: ["@visibleTo"])');
    expect(supergraphSdl).toMatch(
      /testimony: String @join__field\(graph: VICTIMS\) @visibleTo\(roles: \["government", "ngo"\], condition: "ngo: case owner only"\)/,
    );
    expect(supergraphSdl).toContain("Visible to: government, ngo (ngo: case owner only).");
  });
});
