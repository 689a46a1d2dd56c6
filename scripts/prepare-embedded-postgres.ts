/**
 * `npm ci` / `npm install` (postinstall): initialises the embedded PostgreSQL template
 * cluster of this installation once (see installedTemplateDir in platform/database.ts), the
 * way a PostgreSQL package runs initdb when it is installed, so that no `npm start` and
 * no test run pays for it. Never fails the install: without a template, the first start
 * makes one.
 */
import { ensureTemplateCluster, installedTemplateDir } from "../platform/database";

const started = Date.now();
ensureTemplateCluster(installedTemplateDir()).then(
  () =>
    console.log(
      `embedded PostgreSQL template ready (${((Date.now() - started) / 1000).toFixed(1)} s): ${installedTemplateDir()}`,
    ),
  (error: Error) =>
    console.warn(`embedded PostgreSQL template not prepared (${error.message}); the first start will make it`),
);
