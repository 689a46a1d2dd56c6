/**
 * `npm start` and `npm run -s token` run the compiled dist/ through scripts/run-built.mjs,
 * which skips the compiler when nothing changed (it was half of every start). It must never
 * run stale code: a changed source, or changed compiler settings, are rebuilt first. Tried
 * on a project of its own (a copy of the launcher, one script, the repository's compiler),
 * so the repository's dist/ is left alone.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "../../platform/processes";

let project: string;
const file = (relative: string) => path.join(project, relative);
const run = () => execFileSync(process.execPath, [file("scripts/run-built.mjs"), "hello"], { encoding: "utf8" }).trim();
const mtime = (relative: string) => fs.statSync(file(relative)).mtimeMs;
/** Writes a file a moment after the last build, so that its time tells it apart (file times here are finer than that). */
function write(relative: string, text: string): void {
  const after = Date.now() + 20;
  while (Date.now() < after); // a few milliseconds, synchronously: the test is sequential
  fs.writeFileSync(file(relative), text);
}

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), "run-built-"));
  for (const dir of ["platform", "contracts", "demo", "subgraphs", "gateway", "scripts"])
    fs.mkdirSync(file(dir), { recursive: true });
  fs.copyFileSync(path.join(ROOT, "scripts", "run-built.mjs"), file("scripts/run-built.mjs"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), file("node_modules"));
  fs.writeFileSync(
    file("tsconfig.json"),
    JSON.stringify({
      compilerOptions: { target: "ES2022", module: "node16", outDir: "dist", rootDir: ".", types: ["node"] },
    }),
  );
  write(
    "tsconfig.build.json",
    JSON.stringify({
      extends: "./tsconfig.json",
      compilerOptions: { incremental: true, tsBuildInfoFile: "dist/.tsbuildinfo" },
      include: ["scripts"],
    }),
  );
  write("scripts/hello.ts", `console.log("first");\n`);
});

afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

describe("scripts/run-built.mjs", () => {
  it("builds what was never built", () => {
    expect(run()).toBe("first");
    expect(fs.existsSync(file("dist/scripts/hello.js"))).toBe(true);
  });

  it("runs an unchanged build without compiling", () => {
    const built = [mtime("dist/scripts/hello.js"), mtime("dist/.tsbuildinfo"), mtime("dist/.run-built-stamp")];
    expect(run()).toBe("first");
    expect([mtime("dist/scripts/hello.js"), mtime("dist/.tsbuildinfo"), mtime("dist/.run-built-stamp")]).toEqual(built);
  });

  it("rebuilds a changed source before running it", () => {
    write("scripts/hello.ts", `console.log("second");\n`);
    expect(run()).toBe("second");
  });

  it("rebuilds after the compiler's settings change", () => {
    const stamp = mtime("dist/.run-built-stamp");
    write("tsconfig.build.json", fs.readFileSync(file("tsconfig.build.json"), "utf8"));
    expect(run()).toBe("second");
    expect(mtime("dist/.run-built-stamp")).toBeGreaterThan(stamp);
  });

  it("a source touched but not changed is compiled once, then runs without compiling", () => {
    write("scripts/hello.ts", `console.log("second");\n`);
    expect(run()).toBe("second");
    const stamp = mtime("dist/.run-built-stamp");
    expect(run()).toBe("second");
    expect(mtime("dist/.run-built-stamp")).toBe(stamp);
  });
});
