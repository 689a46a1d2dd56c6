/**
 * Renders the whole hub's access policy as a Markdown matrix (roles × types × fields,
 * with the record rule of each type), for people who decide policy, not code.
 */
import { ROLES } from "../auth/claims";
import { conditionsInWords, recordsInWords, type SubgraphPolicy } from "./types";

export function renderAccessMatrix(policies: ReadonlyArray<{ subgraph: string; policy: SubgraphPolicy }>): string {
  const lines: string[] = [
    "# Survivor Hub access matrix",
    "",
    "Generated from the subgraphs' `policy.ts` files by `npm run docs:access`; do not edit by hand.",
    "A test fails when this file is out of date.",
    "",
    "✔ = the role may see the field, on the records the type's record rule lets it see;",
    "✔\\* = with the further condition noted. A blank cell: never, whatever the record.",
    "",
  ];
  for (const { subgraph, policy } of policies) {
    lines.push(`## ${subgraph} subgraph`, "");
    for (const [typeName, typePolicy] of Object.entries(policy)) {
      lines.push(`### ${typeName}`, "", `**Records:** ${recordsInWords(typePolicy)}`, "");
      lines.push(`| field | ${ROLES.join(" | ")} | condition |`, `|---|${ROLES.map(() => ":-:").join("|")}|---|`);
      for (const [fieldName, rule] of Object.entries(typePolicy.fields)) {
        const cells = ROLES.map((role) => (rule.roles.includes(role) ? (rule.conditions?.[role] ? "✔\\*" : "✔") : " "));
        const notes = [conditionsInWords(rule), rule.derivedFrom && `derived from ${rule.derivedFrom}: carries its rule`].filter(Boolean);
        lines.push(`| ${fieldName} | ${cells.join(" | ")} | ${notes.join("; ")} |`);
      }
      lines.push("");
    }
  }
  return lines.join("\n");
}
