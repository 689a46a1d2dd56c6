/**
 * Generic per-request batch loaders: one SQL statement for all keys a request asks in
 * the same tick. Record rules are applied by the caller before a key is ever loaded.
 */
import DataLoader from "dataloader";
import { In, type EntityTarget, type ObjectLiteral } from "typeorm";
import { perRequest, type SubgraphContext } from "./context";

/**
 * All rows whose `foreignKey` is one of the keys, grouped per key, in `order`. `columns`: the
 * properties to read (selection.ts `columnsFor`; the foreign key is added), every column when
 * undefined; one loader per set.
 */
export function groupedLoader<T extends ObjectLiteral, K extends keyof T & string>(
  context: SubgraphContext,
  entity: EntityTarget<T>,
  foreignKey: K,
  order: { [P in keyof T]?: "ASC" | "DESC" },
  columns?: readonly string[],
): DataLoader<string, T[]> {
  const entityName = typeof entity === "function" ? entity.name : String(entity);
  const select = columns && Object.fromEntries([...columns, foreignKey].map((property) => [property, true]));
  return perRequest(
    context,
    `grouped:${entityName}:${foreignKey}:${columns?.join(",") ?? "*"}`,
    () =>
      new DataLoader<string, T[]>(async (keys) => {
        const rows = await context.db.getRepository(entity).find({
          // TypeORM's FindOptionsWhere and FindOptionsSelect cannot be typed from generic keys.
          where: { [foreignKey]: In([...keys]) } as never,
          ...(select ? { select: select as never } : {}),
          order: order as never,
        });
        const grouped = new Map<string, T[]>();
        for (const row of rows) {
          const key = row[foreignKey] as string;
          const group = grouped.get(key);
          if (group) group.push(row);
          else grouped.set(key, [row]);
        }
        return keys.map((key) => grouped.get(key) ?? []);
      }),
  );
}
