/** `npm run compose`: writes supergraph.graphql from the four subgraphs' SDL. */
import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { composeSupergraph } from "../gateway/compose";

async function main(): Promise<void> {
  const { supergraphSdl, unpoliced } = await composeSupergraph();
  if (unpoliced.length > 0) {
    console.error(
      `These fields have no access-policy entry (they would be visible to nobody):\n  ${unpoliced.join("\n  ")}`,
    );
    process.exit(1);
  }
  const target = path.resolve(__dirname, "..", "..", "supergraph.graphql");
  fs.writeFileSync(target, supergraphSdl.endsWith("\n") ? supergraphSdl : `${supergraphSdl}\n`);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
