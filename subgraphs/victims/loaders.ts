/**
 * Per-request batch loaders of the victims subgraph: one SQL statement per batch,
 * record rules inside the statement. Used by `victim`, `_entities` and list children.
 */
import DataLoader from "dataloader";
import type { GraphQLResolveInfo } from "graphql";
import { groupedLoader } from "../../platform/batch-loaders";
import { isUuid } from "../../platform/ids";
import { columnsFor, selectColumns } from "../../platform/selection";
import { perRequest, type SubgraphContext } from "../../platform/context";
import { Consent } from "./entities/consent";
import { Referral } from "./entities/referral";
import { Victim } from "./entities/victim";
import { victimsPolicy } from "./policy";
import { whereVisible } from "./record-rules";
import { readWithGrantFacts, type GrantFactsContext } from "./victim-access";

/**
 * Visible victims by id; an invisible or unknown id both load as null. `columns`: the
 * properties to read (`victimColumns`), every column when undefined; one loader per set.
 */
export function visibleVictimLoader(
  context: GrantFactsContext,
  columns?: readonly string[],
): DataLoader<string, Victim | null> {
  return perRequest(
    context,
    `victims.visibleVictim:${columns?.join(",") ?? "*"}`,
    () =>
      new DataLoader<string, Victim | null>(async (ids) => {
        const wellFormed = ids.filter(isUuid);
        const rows =
          wellFormed.length === 0
            ? []
            : await readWithGrantFacts(
                context,
                whereVisible(
                  selectColumns(context.db.getRepository(Victim).createQueryBuilder("v"), columns).where(
                    "v.id IN (:...ids)",
                    { ids: wellFormed },
                  ),
                  context.caller,
                ),
              );
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
  );
}

/** Children are only ever asked for victims already loaded through the record rule. */
export const consentsLoader = (context: SubgraphContext) =>
  groupedLoader(context, Consent, "victimId", { kind: "ASC" });
export const referralsLoader = (context: SubgraphContext) =>
  groupedLoader(context, Referral, "victimId", { createdAt: "ASC" });

/** The columns of Victim a read needs for its selection (`info` at the records, or `path` below it). */
export function victimColumns(
  context: SubgraphContext,
  info: GraphQLResolveInfo,
  path?: readonly string[],
): string[] | undefined {
  return columnsFor(info, context.db.getMetadata(Victim), {
    typeName: "Victim",
    policy: victimsPolicy,
    path,
    // Lists page by case number: the cursor reads it.
    always: ["caseNumber"],
    // Field resolvers that load by the person's id.
    reads: { consents: ["id"], referrals: ["id"], erasure: ["id"], legalHold: ["id"] },
  });
}
