/** `npm run compose`: writes supergraph.graphql from the four subgraphs' SDL, and api-schema.graphql (what clients see). */
import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { composeSupergraph } from "../gateway/compose";

async function main(): Promise<void> {
  const { supergraphSdl, apiSchemaSdl, unpoliced } = await composeSupergraph();
  if (unpoliced.length > 0) {
    console.error(
      `These fields have no access-policy entry (they would be visible to nobody):\n  ${unpoliced.join("\n  ")}`,
    );
    process.exit(1);
  }
  for (const [file, sdl] of [
    ["supergraph.graphql", supergraphSdl],
    ["api-schema.graphql", apiSchemaSdl],
  ]) {
    const target = path.resolve(__dirname, "..", "..", file);
    fs.writeFileSync(target, sdl.endsWith("\n") ? sdl : `${sdl}\n`);
    console.log(`wrote ${path.relative(process.cwd(), target)}`);
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
