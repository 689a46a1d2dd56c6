/**
 * The benchmark's floor comparison and its runtime switch, without a hub: the byte-for-byte
 * check names the first differing byte, and the one launcher runs a process on the Node
 * binary it is given (BENCH_NODE).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { launch } from "../../platform/processes";
import { checkSameBytes } from "../../scripts/bench/measure";

describe("the floor's byte-for-byte check", () => {
  it("passes identical answers", () => {
    expect(() => checkSameBytes("(a)", '{"a":[1,2]}', '{"a":[1,2]}')).not.toThrow();
  });

  it("fails a different answer at its first differing byte, not character", () => {
    // "é" is two bytes in UTF-8: the difference after it is at byte 14, character 13.
    expect(() => checkSameBytes("(b)", '{"n":"é","x":1}', '{"n":"é","x":2}')).toThrow(/\(b\).* at byte 14 /);
    expect(() => checkSameBytes("(c)", '{"a":1}', '{"a":1,"b":2}')).toThrow(/at byte 6 \(hub 7 bytes, floor 13\)/);
  });
});

describe("launch() on another Node binary", () => {
  it("spawns the entry with the execPath it is given", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-node-"));
    try {
      // A stand-in binary: says it ran, then runs this Node on the same arguments.
      const binary = path.join(dir, "node");
      fs.writeFileSync(binary, `#!/bin/sh\necho "stand-in node" >&2\nexec "${process.execPath}" "$@"\n`, {
        mode: 0o755,
      });
      const entry = path.join(dir, "entry.js");
      fs.writeFileSync(entry, "console.log(`entry ran on ${process.version}`);\n");
      const launched = launch({ name: "probe", entry, execPath: binary });
      // "close": its output streams are drained too (it may exit before they are).
      const code = await new Promise((resolve) => launched.child.once("close", resolve));
      expect(code).toBe(0);
      const output = launched.output.join("");
      expect(output).toContain("stand-in node");
      expect(output).toContain(`entry ran on ${process.version}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
