/**
 * `npm run codegen`: the portal's typed documents from the hub's API schema
 * (api-schema.graphql, written by `npm run compose`) and its operations. Persisted documents:
 * the bundle carries each operation's SHA-256 only, and persisted-documents.json (id → body)
 * becomes the embassies' trusted-documents manifest (scripts/portal-manifest.ts).
 */
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "api-schema.graphql",
  documents: ["portal/operations/*.graphql"],
  generates: {
    "portal/src/generated/": {
      preset: "client",
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { mode: "replaceDocumentWithHash", hashAlgorithm: "sha256" },
      },
      config: {
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        skipTypename: true,
        scalars: { DateTimeISO: "string" },
      },
    },
  },
};

export default config;
