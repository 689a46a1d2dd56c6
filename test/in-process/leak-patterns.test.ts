/**
 * The fuzz test's leak scan (test/support/fuzz.ts LEAK_PATTERNS): it still finds each kind of
 * leak, finds none in a clean refusal, and takes time linear in the answer's length on the answers
 * that made it quadratic. A quadratic scan of one 5.6 MB answer stalled the fuzz test's process for
 * a minute, and its next requests failed on connections the hub had closed meanwhile.
 */
import { findLeaks } from "../support/fuzz";

/** The gateway's answer to a `groupBy` of `count` numbers (fuzz seed 20261127, case #470: 20,000 of them, 5.6 MB). */
function wrongEnumValuesAnswer(count: number): string {
  const errors = Array.from({ length: count }, (_, index) => ({
    message: `Variable "$groupBy" got invalid value ${index} at "groupBy[${index}]"; Enum "StatisticsDimension" cannot represent non-string value: ${index}.`,
    locations: [{ line: 1, column: 12 }],
    extensions: { code: "BAD_USER_INPUT", requestId: "7408fe07-d77d-4f17-9cc1-c88a3ab64bba" },
  }));
  return JSON.stringify({ errors });
}

/** How long finding the leaks in `text` takes, in ms, and what it found. */
function scanMs(text: string): number {
  const started = performance.now();
  findLeaks(text);
  return performance.now() - started;
}

describe("the fuzz test's leak scan", () => {
  it.each([
    ["stack trace", "    at Object.<anonymous> (internal/main:117:35)"],
    // Not caught by the first form (a space inside the frame's name), nor by a file extension.
    ["stack trace", 'message":"boom\\n    at new QueryRunner (internal/process:12:34)'],
    ["SQL", 'SELECT * FROM "victim" WHERE id = $1'],
    ["driver text", "insert or update on table x violates foreign key constraint y"],
    ["file path", "could not open /work/main/dist/platform/http.js"],
    ["internal address", "connect to 127.0.0.1:5432 failed"],
  ])("finds a %s in %j", (kind, text) => {
    expect(findLeaks(text).map((leak) => leak.kind)).toContain(kind);
  });

  it("finds nothing in a clean refusal of 20,000 wrong values", () => {
    expect(findLeaks(wrongEnumValuesAnswer(20_000))).toEqual([]);
  });

  // Quadratic patterns took 57 s on the first answer; linear ones take milliseconds. The budget is far from both,
  // so a loaded machine does not fail it and a quadratic pattern cannot pass it.
  it.each([
    ["the gateway's refusal of 20,000 wrong enum values", () => wrongEnumValuesAnswer(20_000)],
    ["20,000 echoes of `violates` with no constraint after them", () => "violates the rule; ".repeat(20_000)],
    ["5,000 frames' beginnings each followed by 400 digits", () => `at x:${"9".repeat(400)} `.repeat(5_000)],
  ])(
    "scans %s in linear time",
    (_name, make) => {
      expect(scanMs(make())).toBeLessThan(2_000);
    },
    180_000,
  );
});
