/** `npm run docs:access`: writes docs/access-matrix.md from the policy. */
import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { renderAccessMatrix } from "../platform/policy/access-matrix";
import { HUB_POLICIES } from "../subgraphs/modules";

const target = path.resolve(__dirname, "..", "..", "docs", "access-matrix.md");
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, renderAccessMatrix(HUB_POLICIES));
console.log(`wrote ${path.relative(process.cwd(), target)}`);
