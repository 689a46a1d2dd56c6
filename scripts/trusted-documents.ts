/**
 * `npm run -s trusted-documents -- <file.graphql>…` prints the trusted-documents manifest of
 * those GraphQL sources (gateway/trusted-documents.ts manifestFromSources) on stdout, for
 * `HUB_TRUSTED_DOCUMENTS_DIR/<organisation>.json`; given one `persisted-documents.json`
 * (GraphQL Code Generator's), the manifest of those documents. Exit code 2 and one line on
 * stderr when a source does not parse or an operation has no name.
 */
import fs from "node:fs";
import { manifestFromPersistedDocuments, manifestFromSources } from "../gateway/trusted-documents";

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write("usage: npm run -s trusted-documents -- <file.graphql>… > <organisation>.json\n");
  process.exit(2);
}
try {
  const texts = files.map((file) => fs.readFileSync(file, "utf8"));
  const manifest =
    files.length === 1 && files[0].endsWith(".json")
      ? manifestFromPersistedDocuments(JSON.parse(texts[0]) as Record<string, unknown>)
      : manifestFromSources(texts);
  process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
} catch (error) {
  process.stderr.write(`trusted-documents: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
