/**
 * Renders the whole hub's access policy as a Markdown matrix (roles × types × fields,
 * with the record rule of each type), for people who decide policy, not code.
 */
import { ROLES } from "../auth/claims";
import type { Role } from "../auth/claims";
import { conditionsInWords, recordsInWords, type ArgumentRule, type FieldRule, type SubgraphPolicy } from "./types";

/** Rows for a read's arguments: who may filter by what (policy/argument-rules.ts decides the same). */
function argumentRows(
  policy: SubgraphPolicy,
  fieldName: string,
  rule: FieldRule,
): Array<{ name: string; roles: readonly Role[]; note: string }> {
  const rows: Array<{ name: string; roles: readonly Role[]; note: string }> = [];
  const walk = (name: string, argument: ArgumentRule, allowed: readonly Role[]) => {
    if ("fields" in argument) {
      for (const [inputField, inner] of Object.entries(argument.fields)) walk(`${name}.${inputField}`, inner, allowed);
      return;
    }
    if ("open" in argument) return void rows.push({ name, roles: allowed, note: `open: ${argument.open}` });
    const [typeName, tested] = argument.tests.split(".");
    const testedRoles = policy[typeName]?.fields[tested]?.roles ?? [];
    rows.push({ name, roles: allowed.filter((role) => testedRoles.includes(role)), note: `tests ${argument.tests}` });
  };
  for (const [argumentName, argument] of Object.entries(rule.arguments ?? {}))
    walk(`${fieldName}(${argumentName}:)`, argument, rule.roles);
  return rows;
}

export function renderAccessMatrix(policies: ReadonlyArray<{ subgraph: string; policy: SubgraphPolicy }>): string {
  const lines: string[] = [
    "# Survivor Hub access matrix",
    "",
    "Generated from the subgraphs' `policy.ts` files by `npm run docs:access`; do not edit by hand.",
    "A test fails when this file is out of date.",
    "",
    "✔ = the role may see the field, on the records the type's record rule lets it see;",
    "✔\\* = with the further condition noted. A blank cell: never, whatever the record.",
    "Rows `field(argument:)` say who may use an argument of a read: one that filters by a field",
    "(`tests`) is open only to the roles that may read that field; `first`, `after` and `id` are",
    "open to whoever may call the field.",
    "",
  ];
  for (const { subgraph, policy } of policies) {
    lines.push(`## ${subgraph} subgraph`, "");
    for (const [typeName, typePolicy] of Object.entries(policy)) {
      lines.push(`### ${typeName}`, "", `**Records:** ${recordsInWords(typePolicy)}`, "");
      lines.push(`| field | ${ROLES.join(" | ")} | condition |`, `|---|${ROLES.map(() => ":-:").join("|")}|---|`);
      for (const [fieldName, rule] of Object.entries(typePolicy.fields)) {
        const cells = ROLES.map((role) => (rule.roles.includes(role) ? (rule.conditions?.[role] ? "✔\\*" : "✔") : " "));
        const notes = [
          conditionsInWords(rule),
          rule.derivedFrom && `derived from ${rule.derivedFrom}: carries its rule`,
        ].filter(Boolean);
        lines.push(`| ${fieldName} | ${cells.join(" | ")} | ${notes.join("; ")} |`);
        for (const row of argumentRows(policy, fieldName, rule)) {
          lines.push(
            `| ${row.name} | ${ROLES.map((role) => (row.roles.includes(role) ? "✔" : " ")).join(" | ")} | ${row.note} |`,
          );
        }
      }
      lines.push("");
    }
  }
  return lines.join("\n");
}
