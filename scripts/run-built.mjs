/**
 * `node scripts/run-built.mjs <script> [args…]` runs dist/scripts/<script>.js, building
 * the project first only when a source is newer than what was built from it (or was
 * never built). `npm run -s token` and `npm start` go through here, so a token costs
 * ~0.2 s instead of a full `tsc` (~2 s or more) each time. Plain JavaScript, so it runs
 * before anything is compiled. tsc's output goes to stderr: the token script's stdout
 * holds the token and nothing else.
 */
/* global console */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import module from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "..");
const DIST = path.join(ROOT, "dist");
const SOURCE_DIRS = ["platform", "contracts", "demo", "subgraphs", "gateway", "scripts"];
const CONFIG_FILES = ["tsconfig.json", "tsconfig.build.json", "package-lock.json"];

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** The first source (a .ts file, or the compiler's settings) newer than its build output, or null when the build is current. */
// Written after a build this launcher ran: an incremental tsc leaves an output alone when
// its source was touched but not changed, which would otherwise look stale for ever.
const STAMP = path.join(DIST, ".run-built-stamp");

function staleSource() {
  const built = Math.max(mtime(path.join(DIST, ".tsbuildinfo")), mtime(STAMP));
  for (const file of CONFIG_FILES) if (mtime(path.join(ROOT, file)) > built) return file;
  const stamp = mtime(STAMP);
  const pending = SOURCE_DIRS.map((dir) => path.join(ROOT, dir));
  while (pending.length > 0) {
    const dir = pending.pop();
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) pending.push(file);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        const output = mtime(path.join(DIST, path.relative(ROOT, file)).replace(/\.ts$/, ".js"));
        if (output < 0 || mtime(file) > Math.max(output, stamp)) return path.relative(ROOT, file);
      }
    }
  }
  return null;
}

const [script, ...args] = process.argv.slice(2);
if (!script || !/^[a-z-]+$/.test(script)) {
  console.error("usage: node scripts/run-built.mjs <script> [args…]");
  process.exit(2);
}
if (staleSource() !== null) {
  try {
    execFileSync(
      process.execPath,
      [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
      { cwd: ROOT, stdio: ["ignore", 2, 2] },
    );
  } catch {
    console.error("build failed (tsc -p tsconfig.build.json): see above");
    process.exit(1);
  }
  fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}
const entry = path.join(DIST, "scripts", `${script}.js`);
if (!fs.existsSync(entry)) {
  console.error(`no such script: scripts/${script}.ts`);
  process.exit(2);
}
process.argv = [process.argv[0], entry, ...args];
// The supervisor's own modules too (its children get the same place from platform/processes.ts).
module.enableCompileCache?.(
  process.env.NODE_COMPILE_CACHE ?? path.join(ROOT, "node_modules", ".cache", "survivor-hub", "node-compile-cache"),
);
await import(pathToFileURL(entry).href);
