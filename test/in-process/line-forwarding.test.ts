/**
 * The supervisor forwards its children's output whole lines at a time (platform/processes.ts):
 * a pipe's chunk may end mid-line, and forwarded as it came another child's line could land
 * inside a JSON log line (seen: `npm start`'s piped screen had a line starting "subgraph r…").
 */
import { Writable } from "node:stream";
import { lineForwarder } from "../../platform/processes";

function capture(): { out: Writable; writes: string[] } {
  const writes: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString());
      done();
    },
  });
  return { out, writes };
}

describe("forwarding a child's output", () => {
  it("writes only whole lines, whatever the chunks, and the last unfinished line at the end", async () => {
    const { out, writes } = capture();
    const forward = lineForwarder(out);
    const euro = Buffer.from("€");
    forward.push(Buffer.from('{"msg":"subgraph r'));
    forward.push(Buffer.from('eady"}\n{"msg":"a '));
    // A character split across two chunks stays one character.
    forward.push(Buffer.concat([Buffer.from('price "'), euro.subarray(0, 1)]));
    forward.push(Buffer.concat([euro.subarray(1), Buffer.from('"}\n{"msg":"last"')]));
    forward.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes.every((write) => write.endsWith("\n"))).toBe(true);
    expect(writes.join("").split("\n").filter(Boolean)).toEqual([
      '{"msg":"subgraph ready"}',
      '{"msg":"a price "€"}',
      '{"msg":"last"',
    ]);
  });

  it("two children interleaving chunks never split each other's lines", async () => {
    const { out, writes } = capture();
    const [a, b] = [lineForwarder(out), lineForwarder(out)];
    a.push(Buffer.from('{"child":"a","n":'));
    b.push(Buffer.from('{"child":"b","n":1}\n{"child":"b",'));
    a.push(Buffer.from("1}\n"));
    b.push(Buffer.from('"n":2}\n'));
    await new Promise((resolve) => setImmediate(resolve));
    const lines = writes.join("").split("\n").filter(Boolean);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      { child: "b", n: 1 },
      { child: "a", n: 1 },
      { child: "b", n: 2 },
    ]);
  });
});
