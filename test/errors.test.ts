/** Error masking: what a client may see of an error, and what it never sees. */
import { GraphQLError } from "graphql";
import { formatClientError } from "../platform/errors";

describe("formatClientError", () => {
  it("masks an unknown error, whatever Apollo called it, and logs it with the request id", () => {
    const logged: Array<Record<string, unknown>> = [];
    const log = { error: (details: Record<string, unknown>) => logged.push(details) };
    const formatted = formatClientError(
      {
        message: 'relation "victim" does not exist at /work/main/dist/x.js:1:2',
        path: ["victims"],
        extensions: { code: "INTERNAL_SERVER_ERROR", stacktrace: ["at x"] },
      },
      "req-1",
      new GraphQLError("wrapped", { originalError: new Error('relation "victim" does not exist') }),
      log,
    );
    expect(formatted).toEqual({
      message: "Internal error; quote the request id to the hub's operators.",
      path: ["victims"],
      extensions: { requestId: "req-1", code: "INTERNAL_SERVER_ERROR" },
    });
    expect(logged).toEqual([{ requestId: "req-1", err: expect.stringContaining("wrapped") }]);
  });

  it("answers a lost database as SERVICE_UNAVAILABLE, without its address", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const formatted = formatClientError(
      { message: "connect ECONNREFUSED 127.0.0.1:5432", extensions: { code: "INTERNAL_SERVER_ERROR" } },
      "req-2",
      new GraphQLError("x", { originalError: refused }),
    );
    expect(formatted.extensions).toEqual({ requestId: "req-2", code: "SERVICE_UNAVAILABLE" });
    expect(JSON.stringify(formatted)).not.toMatch(/5432|127\.0\.0\.1/);
  });

  it("keeps a client error's message and safe extensions, and hides a limit's value", () => {
    expect(
      formatClientError({ message: "Victim not found", extensions: { code: "NOT_FOUND", internal: "x" } }, "r"),
    ).toEqual({ message: "Victim not found", extensions: { code: "NOT_FOUND", requestId: "r" } });
    expect(
      formatClientError({
        message: "Syntax Error: Document contains more that 10000 tokens. Parsing aborted.",
        extensions: { code: "GRAPHQL_PARSE_FAILED" },
      }).message,
    ).toBe("Syntax Error: the operation is too long");
  });
});
