/**
 * The portal's typed client is generated from the hub's API schema (`npm run codegen`): the
 * committed files are what the generator writes today, and every portal operation asks only
 * for fields and arguments the embassy role may ever use (from the supergraph's @visibleTo,
 * as the gateway's filter reads it) — else the portal would show officers refusals.
 */
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { buildSchema, Kind, parse, print, TypeInfo, visit, visitWithTypeInfo, type DocumentNode } from "graphql";
import { filterOperation, visibilityFromSupergraph } from "../../gateway/field-filter";
import { manifestFromPersistedDocuments } from "../../gateway/trusted-documents";
import { argumentCoordinate } from "../../platform/policy/argument-rules";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

describe("the portal's generated client", () => {
  it("is current: the committed documents and manifest are what `npm run codegen` writes", () => {
    // The generator's own check mode (it is ESM-only, so it runs as its CLI): exit 1 when a file would change.
    const check = spawnSync(
      path.join(ROOT, "node_modules", ".bin", "graphql-codegen"),
      ["--config", "portal/codegen.ts", "--check"],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect({ status: check.status, stale: check.status === 0 ? "" : `${check.stdout}${check.stderr}` }).toEqual({
      status: 0,
      stale: "",
    });
    const persisted = JSON.parse(read("portal/src/generated/persisted-documents.json")) as Record<string, unknown>;
    expect(read("portal/trusted-documents.json")).toBe(
      `${JSON.stringify(manifestFromPersistedDocuments(persisted), null, 2)}\n`,
    );
  });
});

describe("the portal's operations use only what an embassy may", () => {
  const schema = buildSchema(read("api-schema.graphql"));
  const visibility = visibilityFromSupergraph(read("supergraph.graphql"));
  const embassyMay = (coordinate: string) => visibility.get(coordinate)?.has("embassy") ?? false;

  /** Fields the filter would remove for an embassy, and arguments or input fields it may not use. */
  function refusedTo(document: DocumentNode, body: string): string[] {
    const refused = filterOperation(schema, visibility, "embassy", body).removed.map((field) => field.coordinate);
    const typeInfo = new TypeInfo(schema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Argument(argument) {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          if (!parent || !field) return;
          const coordinate = argumentCoordinate(parent.name, field.name, argument.name.value);
          if (!embassyMay(coordinate)) refused.push(coordinate);
        },
        ObjectField(objectField) {
          const input = typeInfo.getParentInputType();
          const named = input && "name" in input ? input.name : undefined;
          if (named && !embassyMay(`${named}.${objectField.name.value}`))
            refused.push(`${named}.${objectField.name.value}`);
        },
      }),
    );
    return refused;
  }

  const operations = fs
    .readdirSync(path.join(ROOT, "portal", "operations"))
    .flatMap((file) => parse(read(`portal/operations/${file}`)).definitions)
    .flatMap((definition) => (definition.kind === Kind.OPERATION_DEFINITION ? [definition] : []));

  it.each(operations.map((operation) => [operation.name?.value ?? "anonymous", operation] as const))(
    "%s: nothing refused",
    (_name, operation) => {
      const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation] };
      expect(refusedTo(document, print(document))).toEqual([]);
    },
  );

  it("control: an operation reading testimony or filtering by NRM status is caught", () => {
    const body = `query Bad { victims(first: 1, filter: { nrmStatus: SCREENING }) { edges { node { id testimony } } } }`;
    expect(refusedTo(parse(body), body).sort()).toEqual(["Victim.testimony", "VictimFilter.nrmStatus"].sort());
  });
});
