/**
 * The hub's subgraph modules and policies, derived from the one list (subgraphs/index.ts)
 * by the folder convention: `subgraphs/<name>/module.ts` exports `<name>Subgraph` (what
 * the subgraph is) and `subgraphs/<name>/policy.ts` exports `<name>Policy` (its access
 * policy). Adding a subgraph is its folder and its line in the list; nothing here changes.
 */
import type { SubgraphModule } from "../platform/subgraph-server";
import type { SubgraphPolicy } from "../platform/policy/types";
import { ERASURE_ORDER } from "../contracts/erasure-order";
import { ErasureLog1768262400000, RetentionScrubOwed1768435200000 } from "../platform/erasure-migration";
import { AUDIT_ROUTES } from "./audit-routes";
import { subjectExportRoute } from "./subject-export-route";
import { erasureOrderRoute } from "./erasure-routes";
import { SUBGRAPHS, type SubgraphName } from "./index";

/** The folder's file `file`, loaded by name (the list decides which folders exist, so no static import can). */
function exported<T>(
  name: SubgraphName,
  file: "module" | "policy",
  exportName: string,
  check: (value: T) => boolean,
): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by name from the list: a static import would be a second list
  const loaded = require(`./${name}/${file}`) as Record<string, T | undefined>;
  const value = loaded[exportName];
  if (value === undefined || !check(value))
    throw new Error(`subgraphs/${name}/${file}.ts must export ${exportName} (the convention of subgraphs/modules.ts)`);
  return value;
}

/**
 * One subgraph's module, with the routes every subgraph answers for the hub-wide audit
 * trail (audit-routes.ts), the survivor's copy (subject-export-route.ts, made from the
 * module's required `subjectExport`) and the erasure order answered with its own `erasure`
 * (erasure-routes.ts; the victims subgraph sends it) before its own, and the erasure log's
 * migration: a new subgraph cannot forget them. Loaded on demand, not when this file is: a
 * subgraph's own resolvers import HUB_POLICIES from here, and loading modules then would be
 * a circle.
 */
export function subgraphModule(name: SubgraphName): SubgraphModule {
  const module = exported<SubgraphModule>(name, "module", `${name}Subgraph`, (loaded) => loaded.name === name);
  const erasureRoutes = ERASURE_ORDER.answeredBy.includes(name) ? [erasureOrderRoute(module.erasure)] : [];
  return {
    ...module,
    // TypeORM runs migrations in the order of their timestamps, whatever the list's.
    migrations: [...module.migrations, ErasureLog1768262400000, RetentionScrubOwed1768435200000],
    routes: [...AUDIT_ROUTES, subjectExportRoute(module), ...erasureRoutes, ...(module.routes ?? [])],
  };
}

/** Every subgraph's module, in the list's order (composition, seeding). */
export function subgraphModules(): SubgraphModule[] {
  return SUBGRAPHS.map(({ name }) => subgraphModule(name));
}

/**
 * The whole hub's access policy: each subgraph's `policy.ts`, in the list's order. Only
 * the policy files are loaded (no entities or resolvers), so the victims subgraph can
 * answer `me` for the whole hub, and the access matrix is rendered from one source.
 */
export const HUB_POLICIES: ReadonlyArray<{ subgraph: SubgraphName; policy: SubgraphPolicy }> = SUBGRAPHS.map(
  ({ name }) => ({
    subgraph: name,
    policy: exported<SubgraphPolicy>(name, "policy", `${name}Policy`, (policy) => typeof policy === "object"),
  }),
);
