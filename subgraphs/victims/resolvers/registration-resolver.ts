/**
 * Registering people: one at a time, or a screening day's batch of up to 1,000 in one
 * transaction (all or nothing; class-validator has already named every bad row).
 * A registration that matches an existing case — same identity document, or same legal
 * name, date of birth and nationality — is registered and flagged for government
 * review (`possibleDuplicateOf`), never silently merged; the registering partner is
 * not told, so registration cannot be used to probe for cases it may not see.
 */
import { auditedTransaction } from "../../../platform/audit/audit-log";
import { randomUUID } from "node:crypto";
import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { In, type EntityManager } from "typeorm";
import { ApplyValueTransformers } from "typeorm/util/ApplyValueTransformers";
import { normaliseForMatching } from "../../../platform/encryption";
import type { SubgraphContext } from "../../../platform/context";
import { ErrorCode, hubError } from "../../../platform/errors";
import { NrmStatus } from "../entities/enums";
import { IDENTITY_DOCUMENT_MATCH, Victim } from "../entities/victim";
import { RegisterVictimInput } from "../inputs/victim-inputs";

export const MAX_BATCH = 1000;

interface DuplicateKey {
  id: string;
  /** The identity document, normalised for matching (platform/encryption: trim, NFKC, upper case). */
  document: string | null;
  identity: string | null;
}

const identityOf = (row: { legalName?: string | null; dateOfBirth?: string | null; nationality: string }) =>
  row.legalName && row.dateOfBirth
    ? `${row.legalName.trim().toLowerCase()}|${row.dateOfBirth}|${row.nationality}`
    : null;

const documentOf = (number: string | null | undefined) => (number ? normaliseForMatching(number) : null);

/**
 * Existing cases matching any row, in one statement. Documents are matched by their keyed
 * hash (the column holds only ciphertext): each row's number is hashed under every matching
 * key of the ring, so cases not yet re-hashed by a key rotation are found too, and a found
 * hash maps back to the row's own (normalised) number: nothing is decrypted here.
 */
async function existingMatches(manager: EntityManager, inputs: RegisterVictimInput[]): Promise<DuplicateKey[]> {
  const documentByHash = new Map<string, string>();
  for (const input of inputs) {
    if (!input.identityDocumentNumber) continue;
    for (const hash of IDENTITY_DOCUMENT_MATCH.candidates(input.identityDocumentNumber))
      documentByHash.set(hash, documentOf(input.identityDocumentNumber)!);
  }
  const named = inputs.filter((input) => identityOf(input));
  if (documentByHash.size === 0 && named.length === 0) return [];
  const rows: Array<{
    id: string;
    identity_document_hash: string | null;
    legal_name: string | null;
    date_of_birth: string | null;
    nationality: string;
  }> = await manager.query(
    // Two index lookups joined by UNION: the same rows as one WHERE … OR …, which the planner
    // could only answer with a scan of every case (~100 ms at 100,000 people, per batch).
    `SELECT id, identity_document_hash, legal_name, to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth, nationality FROM victim
      WHERE identity_document_hash = ANY($1::text[])
     UNION
     SELECT v.id, v.identity_document_hash, v.legal_name, to_char(v.date_of_birth, 'YYYY-MM-DD'), v.nationality
       FROM victim v JOIN unnest($2::text[], $3::date[], $4::char(2)[]) AS k(name, born, nationality)
         ON v.legal_name IS NOT NULL AND lower(v.legal_name) = k.name AND v.date_of_birth = k.born AND v.nationality = k.nationality`,
    [
      [...documentByHash.keys()],
      named.map((input) => input.legalName!.trim().toLowerCase()),
      named.map((input) => input.dateOfBirth),
      named.map((input) => input.nationality),
    ],
  );
  return rows.map((row) => ({
    id: row.id,
    // A case found by identity only may hold a document none of the rows has: it matches no row's by document.
    document: (row.identity_document_hash && documentByHash.get(row.identity_document_hash)) ?? null,
    identity: identityOf({ legalName: row.legal_name, dateOfBirth: row.date_of_birth, nationality: row.nationality }),
  }));
}

/**
 * Which known cases (existing ones, then earlier rows of the batch) a registration matches,
 * in the order they became known: looked up by document and by identity instead of
 * comparing every row with every known case (a 1,000-row batch was a million comparisons).
 */
class DuplicateIndex {
  private readonly byDocument = new Map<string, number[]>();
  private readonly byIdentity = new Map<string, number[]>();
  private readonly ids: string[] = [];

  constructor(known: DuplicateKey[]) {
    for (const key of known) this.add(key);
  }

  add(key: DuplicateKey): void {
    const position = this.ids.push(key.id) - 1;
    if (key.document) push(this.byDocument, key.document, position);
    if (key.identity) push(this.byIdentity, key.identity, position);
  }

  matching(document: string | null, identity: string | null): string[] {
    const positions = [
      ...((document && this.byDocument.get(document)) || []),
      ...((identity && this.byIdentity.get(identity)) || []),
    ].sort((a, b) => a - b);
    return [...new Set(positions.map((position) => this.ids[position]))];
  }
}

function push(map: Map<string, number[]>, key: string, position: number): void {
  const list = map.get(key);
  if (list) list.push(position);
  else map.set(key, [position]);
}

/**
 * The batch's rows in one statement with one parameter: TypeORM's insert of 1,000 rows
 * binds 20,000 parameters and rewrites its SQL per parameter (~100 ms of the victims
 * subgraph's CPU per batch, the largest part of a registration). The JSON's keys are the
 * entity's column names (from TypeORM's metadata, so they follow the entity); columns
 * not given keep their defaults (version, created_at, updated_at). Each value passes its
 * column's transformer, as TypeORM's own insert would: encrypted columns go in encrypted.
 */
async function insertRows(manager: EntityManager, rows: Array<Record<string, unknown>>): Promise<void> {
  const metadata = manager.connection.getMetadata(Victim);
  const properties = Object.keys(rows[0]);
  const columnMetadata = properties.map((property) => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`Victim has no column for ${property}`);
    return column;
  });
  const columns = columnMetadata.map((column) => column.databaseName);
  const transformers = new Map(columnMetadata.map((column) => [column.databaseName, column.transformer]));
  const toColumnValue = (column: string, value: unknown): unknown => {
    const transformer = transformers.get(column);
    return transformer ? (ApplyValueTransformers.transformTo(transformer, value) as unknown) : value;
  };
  const json = rows.map((row) =>
    Object.fromEntries(
      properties.map((property, index) => [columns[index], toColumnValue(columns[index], row[property])]),
    ),
  );
  const table = manager.connection.driver.escape(metadata.tableName);
  const list = columns.map((column) => manager.connection.driver.escape(column)).join(", ");
  await manager.query(
    `INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, $1::json)`,
    [JSON.stringify(json)],
  );
}

export async function registerCases(context: SubgraphContext, inputs: RegisterVictimInput[]): Promise<Victim[]> {
  if (inputs.length === 0 || inputs.length > MAX_BATCH) {
    throw hubError(ErrorCode.BAD_USER_INPUT, `A batch holds between 1 and ${MAX_BATCH} people`);
  }
  const ids = await auditedTransaction(context, async (manager) => {
    const duplicates = new DuplicateIndex(await existingMatches(manager, inputs));
    const serials: Array<{ n: string }> = await manager.query(
      `SELECT nextval('victim_case_number_seq') AS n FROM generate_series(1, $1)`,
      [inputs.length],
    );
    const year = new Date().getUTCFullYear();
    const rows = inputs.map((input, index) => {
      const id = randomUUID();
      const identity = identityOf(input);
      const identityDocumentNumber = input.identityDocumentNumber ?? null;
      const document = documentOf(identityDocumentNumber);
      const possibleDuplicateOf = duplicates.matching(document, identity);
      // Earlier rows of the same batch count too: the same person listed twice is flagged.
      duplicates.add({ id, document, identity });
      return {
        id,
        caseNumber: `MS-${year}-${serials[index].n.padStart(4, "0")}`,
        nationality: input.nationality,
        gender: input.gender,
        ageBracket: input.ageBracket,
        preferredName: input.preferredName ?? null,
        languages: input.languages ?? [],
        legalName: input.legalName?.trim() ?? null,
        dateOfBirth: input.dateOfBirth ?? null,
        identityDocumentNumber,
        identityDocumentHash: IDENTITY_DOCUMENT_MATCH.hashNullable(identityDocumentNumber),
        nrmStatus: NrmStatus.SCREENING,
        rescueLocation: input.rescueLocation ?? null,
        rescuedAt: input.rescuedAt ? new Date(input.rescuedAt).toISOString() : null,
        medicalNeeds: input.medicalNeeds ?? null,
        psychosocialNeeds: input.psychosocialNeeds ?? null,
        requiresMedicalEscort: input.requiresMedicalEscort ?? false,
        testimony: input.testimony ?? null,
        familyContact: input.familyContact ?? null,
        ownerOrg: context.caller.org,
        possibleDuplicateOf,
      };
    });
    await insertRows(manager, rows);
    return rows.map((row) => row.id);
  });
  const saved = await context.db.getRepository(Victim).findBy({ id: In(ids) });
  const byId = new Map(saved.map((victim) => [victim.id, victim]));
  return ids.map((id) => byId.get(id)!);
}

@Resolver(() => Victim)
export class RegistrationResolver {
  @Mutation(() => Victim, {
    description: "Registers one person; your organisation becomes the case owner. Starts in NRM screening.",
  })
  async registerVictim(
    @Arg("victim", () => RegisterVictimInput) victim: RegisterVictimInput,
    @Ctx() context: SubgraphContext,
  ): Promise<Victim> {
    const [saved] = await registerCases(context, [victim]);
    return saved;
  }

  @Mutation(() => [Victim], {
    description: `Registers a screening day's people (up to ${MAX_BATCH}) in one transaction: all or nothing. A bad row rejects the batch with the index and reason of every bad row (extensions.rowErrors).`,
  })
  registerVictims(
    @Arg("victims", () => [RegisterVictimInput]) victims: RegisterVictimInput[],
    @Ctx() context: SubgraphContext,
  ): Promise<Victim[]> {
    return registerCases(context, victims);
  }
}
