/**
 * The floor: a process of its own that answers the benchmark's read scenarios with only
 * the work each answer needs (docs/performance.md, "The floor"), to measure the hub against
 * in the same run. Per request: one RS256 verification of the bearer token (jsonwebtoken,
 * the hub's key; no cache), the SQL the answer needs on the hub's four databases, the audit
 * appends the hub's subgraphs make for that answer (the same rows, through the same
 * `audit_append`, so every chain still verifies), and the JSON assembled by hand. No GraphQL:
 * it recognises the exact operation text scenarios.ts sends and answers anything else 400.
 *
 * Databases: FLOOR_DATABASE_URLS (JSON, subgraph name to PostgreSQL URL) on a server, else the
 * four embedded PGlite directories under BENCH_DIR, opened here while the hub's subgraphs are
 * stopped (each directory is locked by whoever has it open).
 */
import { createPublicKey, randomUUID } from "node:crypto";
import http from "node:http";
import path from "node:path";
import jwt from "jsonwebtoken";
import { Pool } from "pg";
import { ensureDevKeyPair } from "../../platform/auth/keys";
import { callerFromClaims, TOKEN_ALGORITHM } from "../../platform/auth/tokens";
import type { Caller } from "../../platform/auth/claims";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../platform/database";
import { STORED_SUBJECT_IDS_KEY } from "../../platform/audit/migration";
import { isUuid } from "../../platform/ids";
import { dashboard, profile, SHELTER_BOARD } from "./scenarios";
import { DATA_DIR, DEV_AUTH, FLOOR_PORT, installBenchDataKeys } from "./settings";
import { TRAVEL_DOCUMENT_NUMBER } from "../../subgraphs/embassies/entities/travel-document";
import { FAMILY_CONTACT, TESTIMONY } from "../../subgraphs/victims/entities/victim";

type Db = "victims" | "shelters" | "embassies" | "repatriation";
const DBS: Db[] = ["victims", "shelters", "embassies", "repatriation"];

/** The page sizes of (a) the floor answers: the measured one and the statement sweep's. */
const DASHBOARD_PAGES = [1, 10, 100];

class FloorError extends Error {}

/** Statements one request ran, per database (the hub reports its subgraphs' the same way). */
type Counts = Record<string, number>;

/**
 * Group commit, as the hub's subgraphs do (platform/audit/audit-log.ts, AuditAppender): while
 * one append is under way, the entries of requests finishing meanwhile wait and go into the
 * next statement together. Each request waits for its own entries to be committed.
 */
class Appender {
  private queue: Array<{ entries: object[]; done: () => void; failed: (error: unknown) => void }> = [];
  private appending = false;
  constructor(private readonly pool: Pool) {}

  append(entries: object[]): Promise<void> {
    return new Promise((done, failed) => {
      this.queue.push({ entries, done, failed });
      if (!this.appending) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.appending = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 64);
      try {
        await this.pool.query("SELECT audit_append($1::jsonb)", [
          JSON.stringify(batch.flatMap((request) => request.entries)),
        ]);
        for (const request of batch) request.done();
      } catch (error) {
        for (const request of batch) request.failed(error);
      }
    }
    this.appending = false;
  }
}

/** One subgraph fetch's reads for the audit: what the hub's audit middleware collects, for ALLOWED reads. */
class Reads {
  private readonly subjects = new Set<string>();
  private readonly fields = new Set<string>();
  /** Notes a personal field read on a record about `subject`, if it held data (as the middleware does). */
  note(subject: string, field: string, value: unknown): void {
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return;
    if (isUuid(subject)) this.subjects.add(subject);
    this.fields.add(field);
  }
  entries(caller: Caller, action: string, operation: string, requestId: string): object[] {
    if (this.fields.size === 0) return [];
    return [
      {
        actorSub: caller.sub,
        actorOrg: caller.org,
        actorRole: caller.role,
        kind: "READ",
        action,
        operation,
        requestId,
        outcome: "ALLOWED",
        fields: [...this.fields].sort(),
        [STORED_SUBJECT_IDS_KEY]: [...this.subjects].sort(),
      },
    ];
  }
}

interface Request {
  caller: Caller;
  requestId: string;
  counts: Counts;
}

class Floor {
  private readonly appenders: Record<Db, Appender>;
  constructor(private readonly pools: Record<Db, Pool>) {
    this.appenders = Object.fromEntries(DBS.map((db) => [db, new Appender(pools[db])])) as Record<Db, Appender>;
  }

  private async query<T>(request: Request, db: Db, sql: string, params: unknown[]): Promise<T[]> {
    request.counts[db] = (request.counts[db] ?? 0) + 1;
    return (await this.pools[db].query(sql, params)).rows as T[];
  }

  /** A subgraph fetch's audit append (no statement when it read nothing personal, as in the hub). */
  private async audit(request: Request, db: Db, reads: Reads, action: string, operation: string): Promise<void> {
    const entries = reads.entries(request.caller, action, operation, request.requestId);
    if (entries.length === 0) return;
    request.counts[db] = (request.counts[db] ?? 0) + 1;
    await this.appenders[db].append(entries);
  }

  /** (a) an embassy's first `first` nationals with placement, travel documents and repatriation. */
  async dashboard(request: Request, first: number): Promise<unknown> {
    const { caller } = request;
    if (caller.role !== "embassy" || !caller.country) throw new FloorError("the floor answers (a) for an embassy only");
    const country = caller.country;
    // The victims subgraph's record rule for an embassy: its nationals with consular-contact consent.
    const people = await this.query<{ id: string; case_number: string; legal_name: string | null }>(
      request,
      "victims",
      `SELECT v.id, v.case_number, v.legal_name FROM victim v
        WHERE v.nationality = $1 AND EXISTS (SELECT 1 FROM consent c WHERE c.victim_id = v.id AND c.kind = 'CONSULAR_CONTACT'
          AND c.granted AND c.country = v.nationality)
        ORDER BY v.case_number LIMIT $2`,
      [country, first],
    );
    const victimReads = new Reads();
    for (const person of people) victimReads.note(person.id, "Victim.legalName", person.legal_name);
    const ids = people.map((person) => person.id);
    // The later fetches need only the ids the first read: who may be seen is decided there.
    const [, cases, documents, placements] = await Promise.all([
      this.audit(request, "victims", victimReads, "nationals", "Dashboard__victims__0"),
      this.repatriationOf(request, ids, country),
      this.documentsOf(request, ids, country),
      this.placementsOf(request, ids),
    ]);
    return {
      nationals: {
        edges: people.map((person) => ({
          node: {
            id: person.id,
            caseNumber: person.case_number,
            legalName: person.legal_name,
            currentPlacement: placements.get(person.id) ?? null,
            travelDocuments: documents.get(person.id) ?? [],
            repatriation: cases.get(person.id) ?? null,
          },
        })),
      },
    };
  }

  private async repatriationOf(request: Request, ids: string[], country: string) {
    const rows = ids.length
      ? await this.query<{ victim_id: string; status: string; destination_country: string }>(
          request,
          "repatriation",
          `SELECT DISTINCT ON (victim_id) victim_id, status, destination_country FROM repatriation_case
            WHERE victim_id = ANY($1::uuid[]) AND destination_country = $2 ORDER BY victim_id, requested_at DESC`,
          [ids, country],
        )
      : [];
    const reads = new Reads();
    const byVictim = new Map<string, { status: string; destinationCountry: string }>();
    for (const row of rows) {
      reads.note(row.victim_id, "Victim.repatriation", row);
      reads.note(row.victim_id, "RepatriationCase.status", row.status);
      reads.note(row.victim_id, "RepatriationCase.destinationCountry", row.destination_country);
      byVictim.set(row.victim_id, { status: row.status, destinationCountry: row.destination_country });
    }
    await this.audit(request, "repatriation", reads, "_entities", "Dashboard__repatriation__1");
    return byVictim;
  }

  private async documentsOf(request: Request, ids: string[], country: string) {
    // An embassy sees the documents its country issued (and so each one's number).
    const rows = ids.length
      ? await this.query<{ victim_id: string; kind: string; number: string; expires_on: string }>(
          request,
          "embassies",
          `SELECT victim_id, kind, number, expires_on::text AS expires_on FROM travel_document
            WHERE victim_id = ANY($1::uuid[]) AND issuing_country = $2 ORDER BY issued_on`,
          [ids, country],
        )
      : [];
    const reads = new Reads();
    const byVictim = new Map<string, Array<{ kind: string; number: string; expiresOn: string }>>();
    for (const row of rows) {
      reads.note(row.victim_id, "Victim.travelDocuments", [row]);
      reads.note(row.victim_id, "TravelDocument.kind", row.kind);
      // Stored encrypted (docs/encryption.md): decrypted as the hub's column transformer does.
      const number = TRAVEL_DOCUMENT_NUMBER.decrypt(row.number);
      reads.note(row.victim_id, "TravelDocument.number", number);
      reads.note(row.victim_id, "TravelDocument.expiresOn", row.expires_on);
      const list = byVictim.get(row.victim_id) ?? [];
      list.push({ kind: row.kind, number, expiresOn: row.expires_on });
      byVictim.set(row.victim_id, list);
    }
    await this.audit(request, "embassies", reads, "_entities", "Dashboard__embassies__2");
    return byVictim;
  }

  private async placementsOf(request: Request, ids: string[], operation = "Dashboard__shelters__3") {
    const rows = ids.length
      ? await this.query<{ victim_id: string; placed_at: Date; name: string | null }>(
          request,
          "shelters",
          `SELECT p.victim_id, p.placed_at, s.name FROM placement p LEFT JOIN shelter s ON s.id = p.shelter_id
            WHERE p.victim_id = ANY($1::uuid[]) AND p.ended_at IS NULL`,
          [ids],
        )
      : [];
    const reads = new Reads();
    const byVictim = new Map<string, { placedAt: string; shelter: { name: string } | null }>();
    for (const row of rows) {
      const shelter = row.name === null ? null : { name: row.name };
      reads.note(row.victim_id, "Victim.currentPlacement", row);
      reads.note(row.victim_id, "Placement.placedAt", row.placed_at);
      reads.note(row.victim_id, "Placement.shelter", shelter);
      byVictim.set(row.victim_id, { placedAt: row.placed_at.toISOString(), shelter });
    }
    await this.audit(request, "shelters", reads, "_entities", operation);
    return byVictim;
  }

  /** (b) one full victim profile, for government (which sees every case). */
  async profile(request: Request, id: string): Promise<unknown> {
    if (request.caller.role !== "government") throw new FloorError("the floor answers (b) for government only");
    const [victim, placements, consular, repatriation] = await Promise.all([
      this.victimOf(request, id),
      this.placementsOf(request, [id], "Profile__shelters__3"),
      this.consularOf(request, id),
      this.repatriationCaseOf(request, id),
    ]);
    if (!victim) return { victim: null };
    return {
      victim: {
        ...victim,
        currentPlacement: placements.get(id) ?? null,
        nationalityVerification: consular.verification,
        travelDocuments: consular.documents,
        repatriation,
      },
    };
  }

  private async victimOf(request: Request, id: string) {
    const [rows, consents, referrals] = await Promise.all([
      this.query<Record<string, unknown>>(
        request,
        "victims",
        `SELECT id, case_number, nationality, legal_name, date_of_birth::text AS date_of_birth, nrm_status, identified_at,
                rescue_location, medical_needs, requires_medical_escort, testimony, family_contact
           FROM victim WHERE id = $1`,
        [id],
      ),
      this.query<{ kind: string; granted: boolean }>(
        request,
        "victims",
        "SELECT kind, granted FROM consent WHERE victim_id = $1 ORDER BY kind",
        [id],
      ),
      this.query<{ to_org: string; status: string }>(
        request,
        "victims",
        "SELECT to_org, status FROM referral WHERE victim_id = $1 ORDER BY created_at",
        [id],
      ),
    ]);
    const row = rows[0];
    if (!row) return null;
    const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : null);
    const victim = {
      id: row.id,
      caseNumber: row.case_number,
      nationality: row.nationality,
      legalName: row.legal_name,
      dateOfBirth: row.date_of_birth,
      nrmStatus: row.nrm_status,
      identifiedAt: iso(row.identified_at),
      rescueLocation: row.rescue_location,
      medicalNeeds: row.medical_needs,
      requiresMedicalEscort: row.requires_medical_escort,
      testimony: TESTIMONY.decryptNullable(row.testimony as string | null),
      familyContact: FAMILY_CONTACT.decryptNullable(row.family_contact as string | null),
      consents: consents.map((consent) => ({ kind: consent.kind, granted: consent.granted })),
      referrals: referrals.map((referral) => ({ toOrg: referral.to_org, status: referral.status })),
    };
    const reads = new Reads();
    // Personal: every field but the id and the policy's notPersonal (caseNumber, nationality, …).
    for (const field of [
      "legalName",
      "dateOfBirth",
      "nrmStatus",
      "identifiedAt",
      "rescueLocation",
      "medicalNeeds",
      "requiresMedicalEscort",
      "testimony",
      "familyContact",
      "consents",
      "referrals",
    ] as const)
      reads.note(id, `Victim.${field}`, victim[field]);
    for (const consent of consents) {
      reads.note(id, "Consent.kind", consent.kind);
      reads.note(id, "Consent.granted", consent.granted);
    }
    for (const referral of referrals) {
      reads.note(id, "Referral.toOrg", referral.to_org);
      reads.note(id, "Referral.status", referral.status);
    }
    await this.audit(request, "victims", reads, "victim", "Profile__victims__0");
    return victim;
  }

  private async consularOf(request: Request, id: string) {
    const [verifications, documents] = await Promise.all([
      this.query<{ status: string }>(
        request,
        "embassies",
        "SELECT status FROM nationality_verification WHERE victim_id = $1 ORDER BY requested_at DESC LIMIT 1",
        [id],
      ),
      this.query<{ kind: string; number: string }>(
        request,
        "embassies",
        "SELECT kind, number FROM travel_document WHERE victim_id = $1 ORDER BY issued_on",
        [id],
      ).then((rows) => rows.map((row) => ({ kind: row.kind, number: TRAVEL_DOCUMENT_NUMBER.decrypt(row.number) }))),
    ]);
    const verification = verifications[0] ? { status: verifications[0].status } : null;
    const reads = new Reads();
    reads.note(id, "Victim.nationalityVerification", verification);
    if (verification) reads.note(id, "NationalityVerification.status", verification.status);
    reads.note(id, "Victim.travelDocuments", documents);
    for (const document of documents) {
      reads.note(id, "TravelDocument.kind", document.kind);
      reads.note(id, "TravelDocument.number", document.number);
    }
    await this.audit(request, "embassies", reads, "_entities", "Profile__embassies__2");
    return { verification, documents: documents.map((document) => ({ kind: document.kind, number: document.number })) };
  }

  private async repatriationCaseOf(request: Request, id: string) {
    const cases = await this.query<{ id: string; status: string }>(
      request,
      "repatriation",
      "SELECT id, status FROM repatriation_case WHERE victim_id = $1 ORDER BY requested_at DESC LIMIT 1",
      [id],
    );
    const found = cases[0];
    const legs = found
      ? await this.query<{ to_place: string }>(
          request,
          "repatriation",
          "SELECT to_place FROM journey_leg WHERE case_id = $1 ORDER BY sequence",
          [found.id],
        )
      : [];
    const repatriation = found
      ? { status: found.status, journeyLegs: legs.map((leg) => ({ toPlace: leg.to_place })) }
      : null;
    const reads = new Reads();
    reads.note(id, "Victim.repatriation", repatriation);
    if (repatriation) {
      reads.note(id, "RepatriationCase.status", repatriation.status);
      // A journey leg names no person (its policy has no subject): not personal.
      reads.note(id, "RepatriationCase.journeyLegs", repatriation.journeyLegs);
    }
    await this.audit(request, "repatriation", reads, "_entities", "Profile__repatriation__1");
    return repatriation;
  }

  /** (c) the shelter board: public facts, nothing personal, no audit entry. */
  async board(request: Request): Promise<unknown> {
    const rows = await this.query<{
      id: string;
      name: string;
      region: string;
      capacity: number;
      occupied_beds: number | null;
      services: string[];
      languages: string[];
    }>(
      request,
      "shelters",
      "SELECT id, name, region, capacity, occupied_beds, services, languages FROM shelter ORDER BY id LIMIT 50",
      [],
    );
    return {
      shelters: {
        edges: rows.map((row) => ({
          node: {
            id: row.id,
            name: row.name,
            region: row.region,
            capacity: row.capacity,
            freeBeds: Math.max(0, row.capacity - (row.occupied_beds ?? 0)),
            services: row.services,
            languages: row.languages,
          },
        })),
      },
    };
  }
}

/** The operation texts the floor answers, each to its handler. */
function route(floor: Floor, query: string): ((request: Request) => Promise<unknown>) | undefined {
  if (query === SHELTER_BOARD) return (request) => floor.board(request);
  for (const first of DASHBOARD_PAGES)
    if (query === dashboard(first)) return (request) => floor.dashboard(request, first);
  const id = /victim\(id: "([0-9a-f-]{36})"\)/.exec(query)?.[1];
  if (id && query === profile(id)) return (request) => floor.profile(request, id);
  return undefined;
}

async function openPools(): Promise<{ pools: Record<Db, Pool>; embedded: EmbeddedPostgres[] }> {
  const given = process.env.FLOOR_DATABASE_URLS
    ? (JSON.parse(process.env.FLOOR_DATABASE_URLS) as Record<Db, string>)
    : null;
  const embedded: EmbeddedPostgres[] = [];
  const pools = {} as Record<Db, Pool>;
  for (const db of DBS) {
    let url = given?.[db];
    if (!url) {
      // The subgraph's own data directory (the hub's subgraphs are stopped meanwhile).
      const database = await startEmbeddedPostgres(path.join(DATA_DIR, db), { maxConnections: 4 });
      embedded.push(database);
      url = database.url;
    }
    // One connection on PGlite, as the hub's subgraphs (one session; pglite-socket interleaves otherwise).
    pools[db] = new Pool({ connectionString: url, max: given ? 4 : 1 });
  }
  return { pools, embedded };
}

function send(response: http.ServerResponse, status: number, body: string): void {
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  response.end(body);
}

async function main(): Promise<void> {
  installBenchDataKeys();
  const { pools, embedded } = await openPools();
  const floor = new Floor(pools);
  const publicKey = createPublicKey(ensureDevKeyPair(DEV_AUTH.devKeyDir).publicKey);
  const server = http.createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      void (async () => {
        let caller: Caller;
        try {
          // One verification per request, never cached: what a hub that checks every token must do.
          const token = /^Bearer\s+(\S+)$/i.exec(incoming.headers.authorization ?? "")?.[1] ?? "";
          const payload = jwt.verify(token, publicKey, {
            algorithms: [TOKEN_ALGORITHM],
            issuer: DEV_AUTH.issuer,
            audience: DEV_AUTH.audience,
          });
          if (typeof payload === "string" || payload.exp === undefined) throw new Error("no expiry");
          caller = callerFromClaims(payload);
        } catch {
          return send(response, 401, JSON.stringify({ errors: [{ message: "unauthenticated" }] }));
        }
        let handler: ((request: Request) => Promise<unknown>) | undefined;
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString()) as { query?: unknown };
          if (incoming.method === "POST" && incoming.url === "/graphql" && typeof body.query === "string")
            handler = route(floor, body.query);
        } catch {
          // not JSON: answered 400 below
        }
        if (!handler)
          return send(response, 400, JSON.stringify({ errors: [{ message: "not an operation the floor knows" }] }));
        const request: Request = { caller, requestId: randomUUID(), counts: {} };
        try {
          const data = await handler(request);
          send(response, 200, JSON.stringify({ data, extensions: { sqlStatements: request.counts } }));
        } catch (error) {
          const status = error instanceof FloorError ? 400 : 500;
          send(response, status, JSON.stringify({ errors: [{ message: (error as Error).message }] }));
        }
      })();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(FLOOR_PORT, "127.0.0.1", () => console.log(`floor ready on ${FLOOR_PORT}`));
  process.once("SIGTERM", () => {
    server.close();
    void (async () => {
      for (const pool of Object.values(pools)) await pool.end();
      for (const database of embedded) await database.stop();
      process.exit(0);
    })();
  });
}

main().catch((error: Error) => {
  console.error(`floor: ${error.message}`);
  process.exit(1);
});
