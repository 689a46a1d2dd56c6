/**
 * Encryption at rest (docs/encryption.md), on the embassies subgraph in process with the
 * victims subgraph beside it, both on databases of their own with the demo release: what the
 * tables hold is read with plain SQL, as someone holding the database files, a backup or a
 * read-only database login would read it, and compared with what the API answers.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { GraphQLError } from "graphql";
import type { QueryRunner } from "typeorm";
import { formatClientError } from "../../platform/errors";
import { generateRelease } from "../../demo/release";
import {
  DATA_DECRYPTION_FAILED,
  decryptValue,
  encryptValue,
  installDataKeyRing,
  installedDataKeyRing,
  loadDataKeyRing,
  parseDataKeyRing,
  readDataKeyRing,
  rotateDataKeys,
  withNewKey,
  withoutKey,
  type RotationTarget,
} from "../../platform/encryption";
import { TRAVEL_DOCUMENT_NUMBER } from "../../subgraphs/embassies/entities/travel-document";
import { EncryptAtRest1768305600000 as EmbassiesEncryptAtRest } from "../../subgraphs/embassies/migrations/1768305600000-encrypt-at-rest";
import { FAMILY_CONTACT, TESTIMONY } from "../../subgraphs/victims/entities/victim";
import { EncryptAtRest1768305600000 as VictimsEncryptAtRest } from "../../subgraphs/victims/migrations/1768305600000-encrypt-at-rest";
import { errorCodes, PERSONAS, START_TIMEOUT_MS, startInProcessSubgraph, type InProcessSubgraph } from "./harness";

let embassies: InProcessSubgraph;
const clients: Partial<Record<"victims" | "embassies", Client>> = {};

beforeAll(async () => {
  embassies = await startInProcessSubgraph("embassies", { demoData: true });
  for (const name of ["victims", "embassies"] as const) {
    const client = new Client({ connectionString: embassies.databaseUrls[name] });
    await client.connect();
    clients[name] = client;
  }
}, START_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all(Object.values(clients).map((client) => client.end()));
  await embassies?.stop();
}, START_TIMEOUT_MS);

const people = generateRelease();
const marker = (what: string) => `${what}-${randomBytes(6).toString("hex")}`;
const rows = async <T = Record<string, unknown>>(db: "victims" | "embassies", sql: string, parameters?: unknown[]) =>
  (await clients[db]!.query(sql, parameters)).rows as T[];

/** Every row of every table of a database, as text: what a thief of the database would read. */
async function everything(db: "victims" | "embassies"): Promise<string> {
  const tables = await rows<{ table_name: string }>(
    db,
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
  );
  const dumps: string[] = [];
  for (const { table_name } of tables)
    for (const row of await rows<{ text: string }>(db, `SELECT t::text AS text FROM "${table_name}" t`))
      dumps.push(row.text);
  return dumps.join("\n");
}

const victimValues = `testimony identityDocumentNumber familyContact`;
const readVictim = async (id: string) =>
  embassies.executeAtPeer<{
    victim: {
      testimony: string | null;
      identityDocumentNumber: string | null;
      familyContact: string | null;
      possibleDuplicateOf: string[];
    } | null;
  }>("victims", PERSONAS.government, `query ($id: ID!) { victim(id: $id) { ${victimValues} possibleDuplicateOf } }`, {
    id,
  });

async function register(details: Record<string, unknown>): Promise<{ id: string; version: number }> {
  const response = await embassies.executeAtPeer<{ registerVictim: { id: string; version: number } }>(
    "victims",
    PERSONAS.ngo,
    "mutation ($v: RegisterVictimInput!) { registerVictim(victim: $v) { id version } }",
    { v: { nationality: "TH", gender: "FEMALE", ageBracket: "AGE_26_35", ...details } },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.registerVictim;
}

// A Philippine national the Philippine embassy has confirmed and may see (consular contact consented).
const confirmedFilipino = people.find(
  (person) =>
    person.nationality === "PH" && person.consents.consularContact && person.verification?.status === "CONFIRMED",
)!;
const confirmedKenyan = people.find(
  (person) =>
    person.nationality === "KE" && person.consents.consularContact && person.verification?.status === "CONFIRMED",
);

async function issue(persona: (typeof PERSONAS)[keyof typeof PERSONAS], victimId: string, number: string) {
  return embassies.execute<{ issueTravelDocument: { id: string; number: string } }>(
    persona,
    "mutation ($id: ID!, $d: TravelDocumentInput!) { issueTravelDocument(victimId: $id, document: $d) { id number } }",
    {
      id: victimId,
      d: { kind: "EMERGENCY_TRAVEL_CERTIFICATE", number, issuedOn: "2026-12-01", expiresOn: "2027-03-01" },
    },
  );
}

async function documentNumbersSeenBy(victimId: string): Promise<string[]> {
  const response = await embassies.execute<{ _entities: Array<{ travelDocuments: Array<{ number: string }> } | null> }>(
    PERSONAS.embassyPH,
    `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Victim { travelDocuments { number } } } }`,
    { r: [{ __typename: "Victim", id: victimId }] },
  );
  expect(response.errors).toBeUndefined();
  return response.data!._entities[0]!.travelDocuments.map((document) => document.number);
}

/** A rotation target over one of this test's own connections. */
function target(db: "victims" | "embassies", tables: string[]): RotationTarget {
  const client = clients[db]!;
  const query = async (sql: string, parameters?: unknown[]) => (await client.query(sql, parameters)).rows;
  return {
    name: db,
    tables,
    query,
    async transaction(work) {
      await client.query("BEGIN");
      try {
        const result = await work(query);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    },
  };
}

const keySettings = () => ({ devKeyDir: path.join(embassies.dataDir, "keys") });

// Values made by the tests below, read back after every change of keys.
const made = {
  testimony: marker("Testimony"),
  updatedTestimony: marker("Updated-testimony"),
  identityDocument: marker("IDM").toUpperCase(),
  familyContact: marker("Family-contact"),
  travelDocument: marker("TDM").toUpperCase(),
  victimId: "",
};

describe("encryption at rest", () => {
  it("the tables hold none of the encrypted values in plain text; the API answers them (control)", async () => {
    const registered = await register({
      testimony: made.testimony,
      identityDocumentNumber: made.identityDocument,
      familyContact: made.familyContact,
    });
    made.victimId = registered.id;
    const updated = await embassies.executeAtPeer(
      "victims",
      PERSONAS.ngo,
      "mutation ($id: ID!, $version: Int!, $t: String) { updateVictim(id: $id, version: $version, changes: { testimony: $t }) { version } }",
      { id: registered.id, version: registered.version, t: made.updatedTestimony },
    );
    expect(updated.errors).toBeUndefined();
    const issued = await issue(PERSONAS.embassyPH, confirmedFilipino.id, made.travelDocument);
    expect(issued.errors).toBeUndefined();

    // Control: the API gives the values back, so they were written, and the dumps below could contain them.
    expect((await readVictim(registered.id)).data!.victim).toMatchObject({
      testimony: made.updatedTestimony,
      identityDocumentNumber: made.identityDocument,
      familyContact: made.familyContact,
    });
    expect(await documentNumbersSeenBy(confirmedFilipino.id)).toContain(made.travelDocument);
    expect(issued.data!.issueTravelDocument.number).toBe(made.travelDocument);

    const victimsDump = await everything("victims");
    const embassiesDump = await everything("embassies");
    // The dump does hold the person's record (its case number, a column not encrypted): control.
    expect(victimsDump).toContain(people[0].caseNumber);
    const secrets = [
      made.testimony,
      made.updatedTestimony,
      made.identityDocument,
      made.familyContact,
      ...people.flatMap((person) => [person.testimony, person.identityDocumentNumber, person.familyContact]),
    ].filter((value): value is string => Boolean(value));
    expect(secrets.length).toBeGreaterThan(300);
    for (const secret of secrets) expect(victimsDump).not.toContain(secret);
    const numbers = [made.travelDocument, ...people.flatMap((person) => person.travelDocument?.number ?? [])];
    expect(numbers.length).toBeGreaterThan(10);
    for (const number of numbers) {
      expect(embassiesDump).not.toContain(number);
      // Nor does the victims database hold a copy of a travel document number.
      expect(victimsDump).not.toContain(number);
    }

    // Every stored value is an envelope of the current key; NULL stays NULL.
    const stored = await rows<{ testimony: string | null; identity_document_number: string | null }>(
      "victims",
      "SELECT testimony, identity_document_number, family_contact FROM victim",
    );
    for (const row of stored)
      for (const value of Object.values(row)) if (value !== null) expect(value).toMatch(/^v1\.d1\.[\w-]{16}\.[\w-]+$/);
  });

  it("a ciphertext moved into another column does not decrypt there: a generic error for the caller, never the ciphertext", async () => {
    const [before] = await rows<{ testimony: string; family_contact: string }>(
      "victims",
      "SELECT testimony, family_contact FROM victim WHERE id = $1",
      [made.victimId],
    );
    expect(() => FAMILY_CONTACT.decrypt(before.testimony)).toThrow(
      new RegExp(`^${DATA_DECRYPTION_FAILED}: a value of victim\\.family_contact did not decrypt`),
    );
    // Control: in its own column it does.
    expect(TESTIMONY.decrypt(before.testimony)).toBe(made.updatedTestimony);
    await rows("victims", "UPDATE victim SET family_contact = testimony WHERE id = $1", [made.victimId]);
    try {
      const response = await readVictim(made.victimId);
      expect(errorCodes(response)).toEqual(["INTERNAL_SERVER_ERROR"]);
      const text = JSON.stringify(response);
      expect(text).not.toContain(before.testimony);
      expect(text).not.toContain("v1.");
      expect(text).not.toContain(made.updatedTestimony);
      expect(text).not.toMatch(/at .*\.ts:\d+/);
      expect(response.errors![0].message).toBe("Internal error; quote the request id to the hub's operators.");
    } finally {
      await rows("victims", "UPDATE victim SET family_contact = $2 WHERE id = $1", [
        made.victimId,
        before.family_contact,
      ]);
    }
    expect((await readVictim(made.victimId)).data!.victim!.familyContact).toBe(made.familyContact);
  });

  it("duplicate detection still matches identity documents, by keyed hash, trimmed and case-insensitive", async () => {
    const again = await register({ identityDocumentNumber: `  ${made.identityDocument.toLowerCase()} ` });
    expect((await readVictim(again.id)).data!.victim!.possibleDuplicateOf).toEqual([made.victimId]);
    // Control: another number matches nothing.
    const other = await register({ identityDocumentNumber: marker("OTHER") });
    expect((await readVictim(other.id)).data!.victim!.possibleDuplicateOf).toEqual([]);
    // The hash follows an update of the number: the case is found by its new number, not its old one.
    const changed = marker("CHANGED");
    const updated = await embassies.executeAtPeer(
      "victims",
      PERSONAS.ngo,
      "mutation ($id: ID!, $version: Int!, $n: String) { updateVictim(id: $id, version: $version, changes: { identityDocumentNumber: $n }) { version } }",
      { id: other.id, version: other.version, n: changed },
    );
    expect(updated.errors).toBeUndefined();
    const byNewNumber = await register({ identityDocumentNumber: changed });
    expect((await readVictim(byNewNumber.id)).data!.victim!.possibleDuplicateOf).toEqual([other.id]);
  });

  it("travel document numbers stay unique per issuing country, and only per country", async () => {
    // Numbers are capitals as printed (the input refuses anything else), so the exact number again.
    const twice = await issue(PERSONAS.embassyPH, confirmedFilipino.id, made.travelDocument);
    expect(errorCodes(twice)).toEqual(["CONFLICT"]);
    if (confirmedKenyan) {
      const elsewhere = await issue(
        { role: "embassy", org: "embassy-KE", country: "KE" },
        confirmedKenyan.id,
        made.travelDocument,
      );
      expect(elsewhere.errors).toBeUndefined();
    }
  });

  it("rotation re-encrypts and re-hashes everything under new keys; every value reads back; matching still works", async () => {
    const victimsTables = ["victim", "consent", "referral"];
    const targets = [target("victims", victimsTables), target("embassies", ["travel_document", "embassy"])];
    const report = await rotateDataKeys({ mode: "rotate", matching: true, batchSize: 40 }, keySettings(), targets);
    const [{ n: victimRows }] = await rows<{ n: string }>("victims", "SELECT count(*)::text AS n FROM victim");
    expect(report.lines[0]).toBe('data key "d2" added, current');
    expect(report.lines[1]).toBe('matching key "m2" added, current');
    expect(report.lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`^victims\\.victim: \\d+ values re-encrypted, \\d+ hashes recomputed, in ${victimRows} rows$`),
      ),
    );

    const stale = await rows<{ n: string }>(
      "victims",
      `SELECT count(*)::text AS n FROM victim WHERE split_part(testimony, '.', 2) <> 'd2' OR split_part(family_contact, '.', 2) <> 'd2'
          OR split_part(identity_document_number, '.', 2) <> 'd2' OR split_part(identity_document_hash, '.', 1) <> 'm2'`,
    );
    expect(stale[0].n).toBe("0");
    const staleDocuments = await rows<{ n: string }>(
      "embassies",
      `SELECT count(*)::text AS n FROM travel_document WHERE split_part(number, '.', 2) <> 'd2' OR split_part(number_hash, '.', 1) <> 'm2'`,
    );
    expect(staleDocuments[0].n).toBe("0");

    // Everything reads back: the case made here, every demo person with a testimony, and the documents.
    expect((await readVictim(made.victimId)).data!.victim).toMatchObject({
      testimony: made.updatedTestimony,
      identityDocumentNumber: made.identityDocument,
      familyContact: made.familyContact,
    });
    const demo = people.find((person) => person.testimony && person.familyContact && person.identityDocumentNumber)!;
    expect((await readVictim(demo.id)).data!.victim).toMatchObject({
      testimony: demo.testimony,
      identityDocumentNumber: demo.identityDocumentNumber,
      familyContact: demo.familyContact,
    });
    expect(await documentNumbersSeenBy(confirmedFilipino.id)).toContain(made.travelDocument);

    // Matching works under the new matching key.
    const again = await register({ identityDocumentNumber: made.identityDocument });
    expect((await readVictim(again.id)).data!.victim!.possibleDuplicateOf).toContain(made.victimId);
    expect(errorCodes(await issue(PERSONAS.embassyPH, confirmedFilipino.id, made.travelDocument))).toEqual([
      "CONFLICT",
    ]);

    // Nothing uses the old keys any more: they can be retired; the current one cannot.
    await rotateDataKeys({ mode: "retire", keyId: "d1", matching: false, batchSize: 40 }, keySettings(), targets);
    await rotateDataKeys({ mode: "retire", keyId: "m1", matching: false, batchSize: 40 }, keySettings(), targets);
    await expect(
      rotateDataKeys({ mode: "retire", keyId: "d2", matching: false, batchSize: 40 }, keySettings(), targets),
    ).rejects.toThrow(/current and cannot be retired/);
    expect([...installedDataKeyRing().data.keys.keys()]).toEqual(["d2"]);
    expect((await readVictim(made.victimId)).data!.victim!.testimony).toBe(made.updatedTestimony);
  });

  it("a key still in use cannot be retired", async () => {
    const targets = [target("victims", ["victim"]), target("embassies", ["travel_document"])];
    // A staged key is added but not current: nothing is re-encrypted, d2 stays in use.
    const staged = await rotateDataKeys({ mode: "stage", matching: false, batchSize: 40 }, keySettings(), targets);
    expect(staged.lines).toEqual(['data key "d3" added (staged, not current)']);
    await rotateDataKeys({ mode: "promote", keyId: "d3", matching: false, batchSize: 40 }, keySettings(), targets);
    // Rewritten under d3 now; d2 is free again, so take one value back under d2 to hold it in use.
    const ring = installedDataKeyRing();
    const underD2 = encryptValue(TRAVEL_DOCUMENT_NUMBER.place, "HELD-UNDER-D2", {
      ...ring,
      data: { ...ring.data, current: "d2" },
    });
    await rows(
      "embassies",
      "UPDATE travel_document SET number = $1 WHERE id = (SELECT id FROM travel_document WHERE victim_id <> $2 LIMIT 1)",
      [underD2, confirmedFilipino.id],
    );
    await expect(
      rotateDataKeys({ mode: "retire", keyId: "d2", matching: false, batchSize: 40 }, keySettings(), targets),
    ).rejects.toThrow(/data key "d2" is still in use \(1 values\)/);
  });

  it("a value whose key is no longer in the ring does not decrypt: a clear error naming the key (DATA_DECRYPTION_FAILED), a generic one for the caller", async () => {
    const [{ testimony }] = await rows<{ testimony: string }>("victims", "SELECT testimony FROM victim WHERE id = $1", [
      made.victimId,
    ]);
    const keyId = testimony.split(".")[1];
    const ring = installedDataKeyRing();
    const without = withoutKey(withNewKey(ring, "data").ring, "data", keyId);
    installDataKeyRing(without);
    try {
      expect(() => TESTIMONY.decrypt(testimony)).toThrow(
        `${DATA_DECRYPTION_FAILED}: a value of victim.testimony did not decrypt (key id "${keyId}" is not in the key ring)`,
      );
      const response = await readVictim(made.victimId);
      expect(errorCodes(response)).toEqual(["INTERNAL_SERVER_ERROR"]);
      expect(JSON.stringify(response)).not.toContain(testimony);
    } finally {
      installDataKeyRing(ring);
    }
    expect((await readVictim(made.victimId)).data!.victim!.testimony).toBe(made.updatedTestimony);
  });

  it("the migrations encrypt rows an older version stored in plain text", async () => {
    for (const db of ["victims", "embassies"] as const) {
      const client = clients[db]!;
      const queryRunner = {
        query: async (sql: string, parameters?: unknown[]) => (await client.query(sql, parameters)).rows,
      } as unknown as QueryRunner;
      const migration = db === "victims" ? new VictimsEncryptAtRest() : new EmbassiesEncryptAtRest();
      const secret = db === "victims" ? made.updatedTestimony : made.travelDocument;
      await client.query("BEGIN");
      try {
        // Back to the schema and the plain text of the version before this one.
        await migration.down(queryRunner);
        expect(await everything(db)).toContain(secret);
        await migration.up(queryRunner);
        expect(await everything(db)).not.toContain(secret);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    }
    expect((await readVictim(made.victimId)).data!.victim).toMatchObject({
      testimony: made.updatedTestimony,
      identityDocumentNumber: made.identityDocument,
    });
    expect(await documentNumbersSeenBy(confirmedFilipino.id)).toContain(made.travelDocument);
    // The hashes were made again by the migration: matching still works.
    const again = await register({ identityDocumentNumber: made.identityDocument });
    expect((await readVictim(again.id)).data!.victim!.possibleDuplicateOf).toContain(made.victimId);
  });
});

describe("the key file and the envelope", () => {
  const ringText = (data: Record<string, string>, current = "d1") =>
    JSON.stringify({ version: 1, data: { current, keys: data }, matching: { current: "m1", keys: { m1: key() } } });
  const key = () => randomBytes(32).toString("base64");
  const scratch = () => fs.mkdtempSync(path.join(os.tmpdir(), "hub-data-keys-"));

  it("refuses a key file others may read, a short key, an unknown current key, and says which setting", () => {
    const dir = scratch();
    try {
      const file = path.join(dir, "data-keys.json");
      fs.writeFileSync(file, ringText({ d1: key() }), { mode: 0o644 });
      fs.chmodSync(file, 0o644);
      expect(() => readDataKeyRing(file)).toThrow(/readable or writable by others \(mode 644\)/);
      fs.chmodSync(file, 0o600);
      expect(readDataKeyRing(file).data.current).toBe("d1");
      fs.writeFileSync(file, ringText({ d1: randomBytes(16).toString("base64") }));
      expect(() => readDataKeyRing(file)).toThrow(/data key "d1" is not 256 bits/);
      fs.writeFileSync(file, ringText({ d1: key() }, "d9"));
      expect(() => readDataKeyRing(file)).toThrow(/data\.current must name one of its keys/);
      expect(() => readDataKeyRing(path.join(dir, "absent.json"))).toThrow(/^HUB_DATA_KEY_FILE .* does not exist/);
      // Development: made once, owner-only, and the same ring the next time.
      const devKeyDir = path.join(dir, "keys");
      const made = loadDataKeyRing({ devKeyDir });
      expect(fs.statSync(path.join(devKeyDir, "data-keys.json")).mode & 0o777).toBe(0o600);
      expect(loadDataKeyRing({ devKeyDir }).data.keys.get("d1")).toEqual(made.data.keys.get("d1"));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a fresh IV per value, and any changed byte of an envelope is refused, never decrypted to something else", () => {
    const ring = parseDataKeyRing(ringText({ d1: key() }), "test");
    const place = "victim.testimony" as const;
    const first = encryptValue(place, "the same words", ring);
    const second = encryptValue(place, "the same words", ring);
    expect(first).not.toBe(second);
    expect(decryptValue(place, first, ring)).toBe("the same words");
    const body = first.split(".")[3];
    const flipped = `${first.slice(0, first.length - body.length)}${body[0] === "A" ? "B" : "A"}${body.slice(1)}`;
    expect(() => decryptValue(place, flipped, ring)).toThrow(/^DATA_DECRYPTION_FAILED: .* \(does not authenticate/);
    expect(() => decryptValue(place, "plain text", ring)).toThrow(
      /^DATA_DECRYPTION_FAILED: .* \(not an encrypted value/,
    );
    expect(() => decryptValue("victim.family_contact", first, ring)).toThrow(/^DATA_DECRYPTION_FAILED/);
  });

  it("a value that does not decrypt is logged with its stable code, and the caller is told nothing of it", () => {
    const ring = parseDataKeyRing(ringText({ d1: key() }), "test");
    let thrown: unknown;
    try {
      decryptValue("travel_document.number", encryptValue("victim.testimony", "words", ring), ring);
    } catch (error) {
      thrown = error;
    }
    const logged: Array<Record<string, unknown>> = [];
    const wrapped = new GraphQLError((thrown as Error).message, { originalError: thrown as Error });
    const answer = formatClientError(wrapped.toJSON(), "request-1", wrapped, {
      error: (fields: Record<string, unknown>) => void logged.push(fields),
    } as unknown as Parameters<typeof formatClientError>[3]);
    expect(logged).toEqual([expect.objectContaining({ requestId: "request-1", code: DATA_DECRYPTION_FAILED })]);
    expect(answer).toEqual({
      message: "Internal error; quote the request id to the hub's operators.",
      extensions: { requestId: "request-1", code: "INTERNAL_SERVER_ERROR" },
    });
  });
});
