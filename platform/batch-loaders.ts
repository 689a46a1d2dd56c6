/**
 * Generic per-request batch loaders: one SQL statement for all keys a request asks in
 * the same tick. Record rules are applied by the caller before a key is ever loaded.
 */
import DataLoader from "dataloader";
import { In, type EntityTarget, type ObjectLiteral } from "typeorm";
import { perRequest, type SubgraphContext } from "./context";

/** All rows whose `foreignKey` is one of the keys, grouped per key, in `order`. */
export function groupedLoader<T extends ObjectLiteral, K extends keyof T & string>(
  context: SubgraphContext,
  entity: EntityTarget<T>,
  foreignKey: K,
  order: { [P in keyof T]?: "ASC" | "DESC" },
): DataLoader<string, T[]> {
  const entityName = typeof entity === "function" ? entity.name : String(entity);
  return perRequest(
    context,
    `grouped:${entityName}:${foreignKey}`,
    () =>
      new DataLoader<string, T[]>(async (keys) => {
        const rows = await context.db.getRepository(entity).find({
          // TypeORM's FindOptionsWhere cannot be typed from a generic key.
          where: { [foreignKey]: In([...keys]) } as never,
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
