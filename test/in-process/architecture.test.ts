/**
 * The layout's rules, read from the import graph of the sources (pure: no hub, no build).
 * Every `import`, `import type`, `export … from`, `require()` and `import()` counts — a
 * type-only circle is still a circle to a reader. The graph is read with the TypeScript
 * compiler's parser, and relative specifiers resolved as node16 resolution does for these
 * sources (`x` → `x.ts` or `x/index.ts`).
 *
 * - no import circles anywhere under platform/, contracts/, subgraphs/, gateway/, scripts/ —
 *   but one kind: the two sides of a TypeORM relation between entities of one folder
 *   (`Victim.consents` ⇄ `Consent.victim`), where the owning side names the other by
 *   string and imports its type only, so the circle is gone at run time;
 * - platform/ knows no domain: it imports nothing from subgraphs/, contracts/, gateway/ or scripts/;
 * - contracts/ know no case code: from subgraphs/ they import only the list of subgraphs;
 * - oversight is fenced: nothing outside subgraphs/victims/oversight/ imports it but the
 *   victims module, and it imports case code only for what its README names.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..");
const SOURCE_DIRS = ["platform", "contracts", "demo", "subgraphs", "gateway", "scripts"];
const OVERSIGHT = "subgraphs/victims/oversight/";
/** The only file outside oversight/ that may import it: the module serving it. */
const OVERSIGHT_MODULE = "subgraphs/victims/module.ts";
/** Case code oversight may import (subgraphs/victims/oversight/README.md says why each). */
const CASE_CODE_OVERSIGHT_NEEDS = [
  "subgraphs/victims/entities/victim.ts",
  "subgraphs/victims/record-rules.ts",
  "subgraphs/victims/policy.ts",
  "subgraphs/modules.ts",
];
/** The one file of subgraphs/ a contract may import: the list of subgraph names (a leaf). */
const SUBGRAPH_LIST = "subgraphs/index.ts";

/** file (relative to the root, `/`-separated) → the project files it imports. */
type ImportGraph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) files.push(...sourceFiles(relative));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(relative);
  }
  return files;
}

function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined; // a package
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)).replace(/\.js$/, "");
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`])
    if (candidate.endsWith(".ts") && fs.existsSync(path.join(ROOT, candidate))) return candidate;
  throw new Error(`${from}: cannot resolve "${specifier}"`);
}

/** The specifiers a file imports, each with whether only types come through it (erased at run time). */
function importsOf(file: string): Array<{ specifier: string; typeOnly: boolean }> {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.Latest);
  const found: Array<{ specifier: string; typeOnly: boolean }> = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (!clause.name &&
            bindings !== undefined &&
            ts.isNamedImports(bindings) &&
            bindings.elements.length > 0 &&
            bindings.elements.every((element) => element.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === "require")) &&
      node.arguments.length === 1 &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteral(expression)) found.push({ specifier: expression.text, typeOnly: node.isTypeOnly });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The import graph; with `runTimeOnly`, without the imports that bring types only. */
function readImportGraph(options: { runTimeOnly?: boolean } = {}): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of SOURCE_DIRS.flatMap(sourceFiles)) {
    const targets = importsOf(file)
      .filter((imported) => !(options.runTimeOnly && imported.typeOnly))
      .map((imported) => resolveImport(file, imported.specifier))
      .filter((target): target is string => target !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every circle of imports (Tarjan's strongly connected components of more than one file, or a file importing itself). */
function importCircles(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const lowest = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, counter);
    lowest.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        lowest.set(file, Math.min(lowest.get(file)!, lowest.get(target)!));
      } else if (onStack.has(target)) {
        lowest.set(file, Math.min(lowest.get(file)!, index.get(target)!));
      }
    }
    if (lowest.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || (graph.get(file) ?? []).includes(file)) circles.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return circles;
}

/** Every `importer -> imported` edge for which `forbidden(importer, imported)` holds. */
function forbiddenImports(graph: ImportGraph, forbidden: (from: string, to: string) => boolean): string[] {
  return [...graph].flatMap(([from, targets]) =>
    targets.filter((to) => forbidden(from, to)).map((to) => `${from} -> ${to}`),
  );
}

/** A circle of entities of one `entities/` folder that type-only imports alone close (TypeORM's relation sides). */
function isEntityRelation(circle: string[], runTime: ImportGraph): boolean {
  const folder = path.posix.dirname(circle[0]);
  return (
    folder.endsWith("/entities") &&
    circle.every((file) => path.posix.dirname(file) === folder) &&
    !importCircles(new Map(circle.map((file) => [file, (runTime.get(file) ?? []).filter((to) => circle.includes(to))])))
      .length
  );
}

const under = (dir: string) => (file: string) => file.startsWith(dir);
const inOversight = under(OVERSIGHT);

const RULES: Record<string, (from: string, to: string) => boolean> = {
  "platform/ imports nothing from subgraphs/, contracts/, gateway/ or scripts/": (from, to) =>
    under("platform/")(from) && ["subgraphs/", "contracts/", "gateway/", "scripts/"].some((dir) => to.startsWith(dir)),
  "contracts/ import from subgraphs/ only the list of subgraphs, and nothing from gateway/ or scripts/": (from, to) =>
    under("contracts/")(from) &&
    ((under("subgraphs/")(to) && to !== SUBGRAPH_LIST) || under("gateway/")(to) || under("scripts/")(to)),
  "nothing outside subgraphs/victims/oversight/ imports it but the victims module": (from, to) =>
    inOversight(to) && !inOversight(from) && from !== OVERSIGHT_MODULE,
  "oversight imports case code only for what it needs": (from, to) =>
    inOversight(from) &&
    under("subgraphs/")(to) &&
    !inOversight(to) &&
    to !== SUBGRAPH_LIST &&
    !CASE_CODE_OVERSIGHT_NEEDS.includes(to),
};

describe("the import graph of the sources", () => {
  const graph = readImportGraph();
  const runTime = readImportGraph({ runTimeOnly: true });

  it("is read whole: every source directory, and the imports the rules are about", () => {
    for (const dir of SOURCE_DIRS) expect([...graph.keys()].some(under(`${dir}/`))).toBe(true);
    expect(graph.get(OVERSIGHT_MODULE)).toContain(`${OVERSIGHT}audit-resolver.ts`);
    expect(graph.get("platform/subgraph-server.ts")).toContain("platform/internal-api.ts");
    // `import type` counts too.
    expect(graph.get("platform/context.ts")).toContain("platform/audit/audit-log.ts");
  });

  it("has no import circles (but type-only back-references between the entities of one folder)", () => {
    expect(importCircles(graph).filter((circle) => !isEntityRelation(circle, runTime))).toEqual([]);
  });

  it("has no import circles at run time at all", () => {
    expect(importCircles(runTime)).toEqual([]);
  });

  it.each(Object.keys(RULES))("%s", (rule) => {
    expect(forbiddenImports(graph, RULES[rule])).toEqual([]);
  });
});

describe("the checks themselves find what they look for", () => {
  // A made-up graph with one of each fault, so that a check that could never fail would show here.
  const faulty: ImportGraph = new Map([
    ["platform/a.ts", ["platform/b.ts", "contracts/x.ts"]],
    ["platform/b.ts", ["platform/a.ts"]],
    ["platform/self.ts", ["platform/self.ts"]],
    ["contracts/x.ts", ["subgraphs/index.ts", "subgraphs/shelters/beds.ts"]],
    ["subgraphs/index.ts", []],
    ["subgraphs/shelters/beds.ts", [`${OVERSIGHT}me-resolver.ts`]],
    [OVERSIGHT_MODULE, [`${OVERSIGHT}me-resolver.ts`]],
    [`${OVERSIGHT}me-resolver.ts`, ["subgraphs/modules.ts", "subgraphs/victims/resolvers/referral-resolver.ts"]],
  ]);

  it("finds circles, a file importing itself included", () => {
    expect(importCircles(faulty)).toEqual([["platform/a.ts", "platform/b.ts"], ["platform/self.ts"]]);
  });

  it("lets a circle of entities pass only when it is type-only and within one entities/ folder", () => {
    const relation = ["subgraphs/x/entities/a.ts", "subgraphs/x/entities/b.ts"];
    const typeOnlyBack: ImportGraph = new Map([
      [relation[0], [relation[1]]],
      [relation[1], []],
    ]);
    const bothAtRunTime: ImportGraph = new Map([
      [relation[0], [relation[1]]],
      [relation[1], [relation[0]]],
    ]);
    expect(isEntityRelation(relation, typeOnlyBack)).toBe(true);
    expect(isEntityRelation(relation, bothAtRunTime)).toBe(false);
    expect(isEntityRelation(["subgraphs/x/entities/a.ts", "subgraphs/y/entities/b.ts"], typeOnlyBack)).toBe(false);
    expect(isEntityRelation(["platform/a.ts", "platform/b.ts"], new Map())).toBe(false);
  });

  it("finds each rule's forbidden import, and only those", () => {
    expect(Object.values(RULES).map((rule) => forbiddenImports(faulty, rule))).toEqual([
      ["platform/a.ts -> contracts/x.ts"],
      ["contracts/x.ts -> subgraphs/shelters/beds.ts"],
      [`subgraphs/shelters/beds.ts -> ${OVERSIGHT}me-resolver.ts`],
      [`${OVERSIGHT}me-resolver.ts -> subgraphs/victims/resolvers/referral-resolver.ts`],
    ]);
  });
});
