/**
 * The survivor's copy, its generic part: what one subgraph holds about one person, read
 * from the subgraph's own tables and filtered by its own field policy for the caller, and
 * the part of its audit trail about that person. A subgraph declares what it holds in its
 * module's `subjectExport` (which entities, how to find a person's records, what each column
 * that is not a field of the type is); everything else is derived from the entities: every
 * column of a declared entity is exported under the rule of the field of the same name, and a
 * column that is neither a field nor declared is refused at start-up (`checkSubjectExport`),
 * so a new column of personal data cannot silently be left out of a person's copy.
 */
import type { AuditEntryRow } from "./audit/trail";
import { getMetadataArgsStorage, type DataSource } from "typeorm";
import type { Caller } from "./auth/claims";
import type { AskingContext } from "./internal-api";
import { conditionsInWords, describeRoles, fieldRule, type FieldRule, type SubgraphPolicy } from "./policy/types";

/** How a column that is not (or not only) a field of its type goes into the copy. */
export type ColumnExport =
  /** Exported under the rule of another field of the type (`shelterId` under `shelter`). */
  | { sameAs: string }
  /** Exported under this rule (a column with no field: an organisation id, a timestamp). */
  | { rule: FieldRule; why: string }
  /** A key tying the record to the person or to another of their records: exported as is. */
  | { key: string }
  /** Never exported, and listed as omitted with the reason (ids of other people, say). */
  | { omitted: string };

/** One kind of record a subgraph holds about people. */
export interface SubjectRecordSource {
  /** The type in the subgraph's policy (and schema) whose field rules decide what the caller gets. */
  type: string;
  // type-graphql and TypeORM take classes of any constructor shape.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entity: Function;
  /** This person's records of the type, and only theirs, in a stable order. */
  read(db: DataSource, subjectId: string): Promise<object[]>;
  /** Columns of the entity that are not a field of the type, or exported otherwise than as that field. */
  columns?: Readonly<Record<string, ColumnExport>>;
}

export interface SubjectExportQuestion {
  caller: Caller;
  db: DataSource;
  subjectId: string;
  /** To ask the peer that decides who may see the person. */
  asking: AskingContext;
}

export interface SubjectExport {
  /**
   * Whether the caller may have this person's copy, decided here with data this subgraph owns
   * or asks the owner of: never a fact the asker or the client supplies.
   */
  mayExport(question: SubjectExportQuestion): Promise<boolean>;
  sources: readonly SubjectRecordSource[];
}

/** One record in the copy: its fields the caller may read, and the names of those withheld. */
export interface ExportedRecord {
  fields: Record<string, unknown>;
  withheld: string[];
}

/** A field withheld from the caller on some records, and who may read it. */
export interface WithheldField {
  field: string;
  records: number;
  readableBy: string;
}

export interface OmittedField {
  field: string;
  why: string;
}

/** An entry of the audit trail about the person: never the other people it names (nor the request id), and never values. */
export type HistoryEntry = Omit<AuditEntryRow, "requestId" | "subjectIds" | "hash">;

/** What one subgraph holds about the person. */
export interface SubjectPart {
  subgraph: string;
  /** Type name → the person's records of it. */
  records: Record<string, ExportedRecord[]>;
  withheld: WithheldField[];
  omitted: OmittedField[];
  /** Newest first, at most `MAX_HISTORY_ENTRIES + 1` (the extra one says there are more). */
  history: HistoryEntry[];
  /** `Type.field` of every value exported (the export's own audit entry). */
  exportedFields: string[];
}

/** The most audit entries a copy lists (newest first, across the subgraphs); the rest by paging `auditTrail`. */
export const MAX_HISTORY_ENTRIES = 500;

type Decision = { kind: "rule"; rule: FieldRule } | { kind: "key" } | { kind: "omitted"; why: string };

/** The properties of an entity's columns, as TypeORM's decorators recorded them. */
function columnsOf(entity: SubjectRecordSource["entity"]): string[] {
  return getMetadataArgsStorage()
    .columns.filter((column) => column.target === entity)
    .map((column) => column.propertyName);
}

/** How each column of a source is exported; throws, naming them, for columns nothing decides. */
function decisionsOf(policy: SubgraphPolicy, source: SubjectRecordSource): Map<string, Decision> {
  const decisions = new Map<string, Decision>();
  const undecided: string[] = [];
  for (const column of columnsOf(source.entity)) {
    const declared = source.columns?.[column];
    const rule = (name: string) => fieldRule(policy, source.type, name);
    let decision: Decision | undefined;
    if (!declared) decision = rule(column) ? { kind: "rule", rule: rule(column)! } : undefined;
    else if ("sameAs" in declared)
      decision = rule(declared.sameAs) ? { kind: "rule", rule: rule(declared.sameAs)! } : undefined;
    else if ("rule" in declared) decision = { kind: "rule", rule: declared.rule };
    else if ("key" in declared) decision = { kind: "key" };
    else decision = { kind: "omitted", why: declared.omitted };
    if (decision) decisions.set(column, decision);
    else undecided.push(column);
  }
  if (undecided.length > 0)
    throw new Error(
      `subject export of ${source.type}: columns ${undecided.join(", ")} are neither a field of ${source.type} with a policy rule nor declared in its source's columns`,
    );
  return decisions;
}

/** Throws unless every column of every declared entity is decided: called when a subgraph's route is made. */
export function checkSubjectExport(policy: SubgraphPolicy, subjectExport: SubjectExport): void {
  for (const source of subjectExport.sources) decisionsOf(policy, source);
}

/** Whether the caller may read a field under `rule` on this record (a condition on another type's record: no). */
function mayReadOn(rule: FieldRule, type: string, caller: Caller, record: object): boolean {
  if (!rule.roles.includes(caller.role)) return false;
  const condition = rule.conditions?.[caller.role];
  if (!condition) return true;
  return condition.looksAt === type && condition.check(caller, record);
}

function readableBy(rule: FieldRule): string {
  const conditions = conditionsInWords(rule);
  return conditions ? `${describeRoles(rule.roles)} (${conditions})` : describeRoles(rule.roles);
}

/** This subgraph's records about the person, as the caller may have them. The caller's right is checked before. */
export async function readSubjectRecords(
  policy: SubgraphPolicy,
  subjectExport: SubjectExport,
  question: Pick<SubjectExportQuestion, "caller" | "db" | "subjectId">,
): Promise<Omit<SubjectPart, "subgraph" | "history">> {
  const { caller, db, subjectId } = question;
  const records: SubjectPart["records"] = {};
  const withheld = new Map<string, WithheldField>();
  const omitted: OmittedField[] = [];
  const exported = new Set<string>();
  for (const source of subjectExport.sources) {
    const decisions = decisionsOf(policy, source);
    for (const [column, decision] of decisions)
      if (decision.kind === "omitted") omitted.push({ field: `${source.type}.${column}`, why: decision.why });
    const rows = await source.read(db, subjectId);
    records[source.type] = rows.map((row) => {
      const fields: Record<string, unknown> = {};
      const refused: string[] = [];
      for (const [column, decision] of decisions) {
        if (decision.kind === "omitted") continue;
        const coordinate = `${source.type}.${column}`;
        // Withheld whatever its value (null included): whether a refused field is empty is not the caller's to know.
        if (decision.kind === "rule" && !mayReadOn(decision.rule, source.type, caller, row)) {
          refused.push(column);
          const seen = withheld.get(coordinate);
          if (seen) seen.records += 1;
          else withheld.set(coordinate, { field: coordinate, records: 1, readableBy: readableBy(decision.rule) });
          continue;
        }
        const value = (row as Record<string, unknown>)[column];
        fields[column] = value instanceof Date ? value.toISOString() : (value ?? null);
        exported.add(coordinate);
      }
      return { fields, withheld: refused };
    });
  }
  return { records, withheld: [...withheld.values()], omitted, exportedFields: [...exported].sort() };
}

const AT_TEXT = `to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The newest entries of this subgraph's trail about the person (at most `MAX_HISTORY_ENTRIES + 1`): one statement. */
export async function readSubjectHistory(db: DataSource, subgraph: string, subjectId: string): Promise<HistoryEntry[]> {
  const rows: Array<Omit<HistoryEntry, "subgraph">> = await db.query(
    `SELECT seq::text AS seq, ${AT_TEXT} AS at, actor_sub AS "actorSub", actor_org AS "actorOrg", actor_role AS "actorRole",
            kind, action, operation, outcome, fields
       FROM audit_entry WHERE victim_ids @> ARRAY[$1]::uuid[]
      ORDER BY at DESC, seq DESC LIMIT $2`,
    [subjectId, MAX_HISTORY_ENTRIES + 1],
  );
  return rows.map((row) => ({ subgraph, ...row }));
}
