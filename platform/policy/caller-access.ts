/**
 * What the policy grants one role, type by type: the view behind the `me` query. A
 * type declared by several subgraphs (an entity they extend) is shown once, its fields gathered from
 * all of them and its record rule taken from the subgraph that owns it (listed first).
 */
import type { Role } from "../auth/claims";
import { conditionWords, recordRuleFor, type SubgraphPolicy } from "./types";

export interface FieldAccessView {
  name: string;
  condition?: string;
}

export interface TypeAccessView {
  type: string;
  subgraphs: string[];
  records: string;
  fields: FieldAccessView[];
}

/** Pagination wrappers follow the list field that returns them; listing them says nothing new. */
const PLUMBING = /(Connection|Edge)$|^PageInfo$/;

export function accessForRole(
  role: Role,
  policies: ReadonlyArray<{ subgraph: string; policy: SubgraphPolicy }>,
): TypeAccessView[] {
  const byType = new Map<string, TypeAccessView>();
  for (const { subgraph, policy } of policies) {
    for (const [typeName, typePolicy] of Object.entries(policy)) {
      if (PLUMBING.test(typeName)) continue;
      const fields = Object.entries(typePolicy.fields)
        .filter(([, rule]) => rule.roles.includes(role))
        .map(([name, rule]) => ({ name, condition: conditionWords(rule, role) }));
      if (fields.length === 0) continue;
      const view = byType.get(typeName);
      if (!view) {
        byType.set(typeName, {
          type: typeName,
          subgraphs: [subgraph],
          records: recordRuleFor(typePolicy, role),
          fields,
        });
        continue;
      }
      view.subgraphs.push(subgraph);
      for (const field of fields) if (!view.fields.some((known) => known.name === field.name)) view.fields.push(field);
    }
  }
  return [...byType.values()];
}
