/**
 * The request id without a request-wide AsyncLocalStorage (platform/request-scope.ts: its
 * promise hooks cost on every promise on Node 20): it reaches error answers and the log
 * of an internal error through the request context, and no scope is entered unless
 * diagnostic counters are counted per request.
 */
import type { Server } from "node:http";
import { ApolloServer } from "@apollo/server";
import express from "express";
import { buildSchema } from "graphql";
import { clientErrorFormatter, hubError, ErrorCode, requestIdPlugin } from "../../platform/errors";
import { boundPort, listen, withRequestId } from "../../platform/http";
import { requestScope } from "../../platform/request-scope";

describe("the request id", () => {
  it("is in every error answer and in the log of an internal error, for each of concurrent requests, with no request scope", async () => {
    const logged: Array<Record<string, unknown>> = [];
    const log = { error: (details: Record<string, unknown>) => void logged.push(details) };
    const schema = buildSchema("type Query { broken: String, refused: String, shared: String }");
    // One error object thrown to every request: no answer may carry another request's id.
    const SHARED = hubError(ErrorCode.SERVICE_UNAVAILABLE, "Not now");
    const sleep = () => new Promise((resolve) => setTimeout(resolve, 5));
    const root = {
      broken: async () => {
        await sleep();
        throw new Error("relation victim does not exist");
      },
      refused: async () => {
        await sleep();
        throw hubError(ErrorCode.FORBIDDEN, "Not yours");
      },
      shared: async () => {
        await sleep();
        throw SHARED;
      },
    };
    const apollo = new ApolloServer<{ requestId: string }>({
      schema,
      rootValue: root,
      formatError: clientErrorFormatter(log),
      plugins: [
        requestIdPlugin(),
        {
          // req-1 is formatted last, after req-2 and req-3 noted their ids on the shared error.
          async requestDidStart({ contextValue }) {
            return {
              async didEncounterErrors() {
                if (contextValue.requestId === "req-1") await new Promise((resolve) => setTimeout(resolve, 50));
              },
            };
          },
        },
      ],
    });
    await apollo.start();
    try {
      const ask = (requestId: string) =>
        apollo.executeOperation({ query: "{ broken refused shared }" }, { contextValue: { requestId } });
      expect(requestScope.getStore()).toBeUndefined();
      const answers = await Promise.all(["req-1", "req-2", "req-3"].map(ask));
      answers.forEach((answer, index) => {
        if (answer.body.kind !== "single") throw new Error("single result expected");
        const requestId = `req-${index + 1}`;
        expect(answer.body.singleResult.errors).toEqual([
          expect.objectContaining({
            message: "Internal error; quote the request id to the hub's operators.",
            extensions: { requestId, code: "INTERNAL_SERVER_ERROR" },
          }),
          expect.objectContaining({ message: "Not yours", extensions: { code: "FORBIDDEN", requestId } }),
          expect.objectContaining({ message: "Not now", extensions: { code: "SERVICE_UNAVAILABLE", requestId } }),
        ]);
      });
      expect(logged.map((entry) => entry.requestId).sort()).toEqual(["req-1", "req-2", "req-3"]);
    } finally {
      await apollo.stop();
    }
  });

  it("enters no AsyncLocalStorage unless counters are counted per request", async () => {
    const run = jest.spyOn(requestScope, "run");
    const seen: Array<{ header: string | null; scoped: boolean }> = [];
    const serve = async (countedPerRequest: boolean) => {
      const app = express();
      app.use(withRequestId("ignored", countedPerRequest));
      app.get("/", (_request, response) => {
        response.json({ scoped: requestScope.getStore() !== undefined });
      });
      const server: Server = await listen(app, 0, "127.0.0.1");
      try {
        const response = await fetch(`http://127.0.0.1:${boundPort(server)}/`);
        const body = (await response.json()) as { scoped: boolean };
        seen.push({ header: response.headers.get("x-request-id"), scoped: body.scoped });
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    };
    await serve(false);
    expect(run).not.toHaveBeenCalled();
    await serve(true);
    expect(run).toHaveBeenCalledTimes(1);
    expect(seen.map((entry) => entry.scoped)).toEqual([false, true]);
    for (const entry of seen) expect(entry.header).toMatch(/^[0-9a-f-]{36}$/);
    run.mockRestore();
  });
});
