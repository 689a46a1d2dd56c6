/** docs/access-matrix.md is generated from the policy; it must not drift. */
import fs from "node:fs";
import path from "node:path";
import { renderAccessMatrix } from "../shared/policy/access-matrix";
import { SUBGRAPH_MODULES } from "../subgraphs/registry";

it("docs/access-matrix.md is up to date (run `npm run docs:access` if this fails)", () => {
  const expected = renderAccessMatrix(SUBGRAPH_MODULES.map((module) => ({ subgraph: module.name, policy: module.policy })));
  expect(fs.readFileSync(path.join(__dirname, "..", "docs", "access-matrix.md"), "utf8")).toBe(expected);
});
