/** docs/access-matrix.md is generated from the policy; it must not drift. */
import fs from "node:fs";
import path from "node:path";
import { renderAccessMatrix } from "../platform/policy/access-matrix";
import { HUB_POLICIES } from "../subgraphs/modules";

it("docs/access-matrix.md is up to date (run `npm run docs:access` if this fails)", () => {
  const expected = renderAccessMatrix(HUB_POLICIES);
  expect(fs.readFileSync(path.join(__dirname, "..", "docs", "access-matrix.md"), "utf8")).toBe(expected);
});
