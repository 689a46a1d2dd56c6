/**
 * Per-request batch loaders of the victims subgraph: one SQL statement per batch,
 * record rules inside the statement. Used by `victim`, `_entities` and list children.
 */
import DataLoader from "dataloader";
import { groupedLoader } from "../../platform/batch-loaders";
import { isUuid } from "../../platform/ids";
import { perRequest, type SubgraphContext } from "../../platform/context";
import { Consent } from "./entities/consent";
import { Referral } from "./entities/referral";
import { Victim } from "./entities/victim";
import { whereVisible } from "./record-rules";
import { readWithGrantFacts, type GrantFactsContext } from "./victim-access";

/** Visible victims by id; an invisible or unknown id both load as null. */
export function visibleVictimLoader(context: GrantFactsContext): DataLoader<string, Victim | null> {
  return perRequest(
    context,
    "victims.visibleVictim",
    () =>
      new DataLoader<string, Victim | null>(async (ids) => {
        const wellFormed = ids.filter(isUuid);
        const rows =
          wellFormed.length === 0
            ? []
            : await readWithGrantFacts(
                context,
                whereVisible(
                  context.db
                    .getRepository(Victim)
                    .createQueryBuilder("v")
                    .where("v.id IN (:...ids)", { ids: wellFormed }),
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
