/**
 * The Kubernetes API's schemas (kubernetes-schema-check.mjs) accept fields they do not know,
 * as the API's OpenAPI definitions say nothing against them; the API server does not: kubectl
 * asks for strict field validation, and a misspelt field (`readinesProbe`) fails the apply, or
 * with it off is dropped without a word. kubernetes-models' TypeScript types are generated from
 * the same definitions, and TypeScript refuses an object literal's unknown property: each
 * object is type-checked as its kind's interface in a file made in memory.
 */
import path from "node:path";
import ts from "typescript";

export interface TypedObject {
  apiVersion: string;
  kind: string;
}

/** For each object, the compiler's complaints about it (none: every field is one its kind has). */
export function unknownFieldProblems(objects: readonly TypedObject[], directory: string): string[][] {
  const file = path.join(directory, "__kubernetes-objects.mts");
  const imports = objects.map(
    (object, index) =>
      `import type { I${object.kind} as Kind${index} } from "kubernetes-models/${object.apiVersion}/${object.kind}";`,
  );
  const declarations = objects.map(
    (object, index) => `export const object${index}: Kind${index} = ${JSON.stringify(object)};`,
  );
  const text = [...imports, ...declarations].join("\n");
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, text, language) : getSourceFile(name, language, ...rest);
  host.fileExists = (name) => name === file || fileExists(name);
  host.readFile = (name) => (name === file ? text : readFile(name));
  const program = ts.createProgram([file], options, host);
  const problems: string[][] = objects.map(() => []);
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ");
    if (diagnostic.file?.fileName !== file || diagnostic.start === undefined) {
      // A problem outside the objects (a type that cannot be found) belongs to all of them.
      for (const list of problems) list.push(message);
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    // One import line per object, then one declaration line per object.
    problems[line < objects.length ? line : line - objects.length].push(message);
  }
  return problems;
}
