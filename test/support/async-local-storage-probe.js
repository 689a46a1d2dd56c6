/**
 * Preloaded into a hub process (NODE_OPTIONS=--require) by test/request-scope.test.ts: says
 * on stderr, once per kind, when anything in the process enters or leaves an
 * AsyncLocalStorage or enables an async hook — what installs per-promise hooks on Node 20.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS preload, run before anything is compiled */
const asyncHooks = require("node:async_hooks");

const reported = new Set();
function report(kind) {
  if (reported.has(kind)) return;
  reported.add(kind);
  const caller = (new Error().stack ?? "").split("\n").slice(2, 6).join(" | ");
  process.stderr.write(`ASYNC_CONTEXT_USED ${kind} ${caller}\n`);
}

for (const method of ["run", "enterWith", "exit"]) {
  const original = asyncHooks.AsyncLocalStorage.prototype[method];
  asyncHooks.AsyncLocalStorage.prototype[method] = function (...args) {
    report(`AsyncLocalStorage.${method}`);
    return original.apply(this, args);
  };
}
const createHook = asyncHooks.createHook;
asyncHooks.createHook = function (...args) {
  const hook = createHook.apply(this, args);
  const enable = hook.enable;
  hook.enable = function () {
    report("createHook().enable");
    return enable.apply(this);
  };
  return hook;
};
