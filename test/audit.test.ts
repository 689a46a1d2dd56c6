/**
 * The audit trail: each kind of access leaves exactly the expected entries (record
 * ids and field names, never values) in the subgraph that owns the data; refused
 * accesses are recorded; the trail refuses UPDATE and DELETE at the database; a row
 * edited behind the application's back is found by verifyAuditChain; the chain stays
 * whole under many concurrent appends. Works with its own NGO and fresh cases.
 */
import { randomUUID } from "node:crypto";
import { Client } from "pg";
import type { DevTokenRequest } from "../platform/auth/tokens";
import { register } from "./support/cases";
import {
  asPersona,
  errorCodes,
  gatewayUrl,
  hubFetch,
  PERSONAS,
  postGraphQL,
  subgraphUrl,
  tokenFor,
  type GraphQLResponse,
} from "./support/hub";
import { hubState, testPort } from "./support/state";
import { withStandaloneVictims } from "./support/standalone";

const ngo = { role: "ngo", org: "ngo-audit" } as const;
const otherNgo = { role: "ngo", org: "ngo-audit-other" } as const;
const auditor = PERSONAS.auditor;

type Entry = {
  subgraph: string;
  seq: string;
  actorSub: string | null;
  actorOrg: string;
  actorRole: string;
  kind: string;
  action: string;
  operation: string;
  requestId: string;
  outcome: string;
  victimIds: string[];
  fields: string[];
};
const ENTRY_FIELDS =
  "subgraph seq actorSub actorOrg actorRole kind action operation requestId outcome victimIds fields";

/** A query through the gateway, with the request id the gateway gave it, so its entries can be found. */
async function traced<T = Record<string, unknown>>(
  persona: DevTokenRequest,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ requestId: string; response: GraphQLResponse<T> }> {
  const response = await postGraphQL<T>(gatewayUrl(), { query, variables }, `Bearer ${tokenFor(persona)}`);
  return { requestId: response.headers.get("x-request-id")!, response };
}

/** Every entry about one case, as the auditor sees the trail. */
async function trailOf(victimId: string): Promise<Entry[]> {
  const response = await asPersona<{ auditTrail: { edges: Array<{ node: Entry }> } }>(
    auditor,
    `query ($victimId: ID!) { auditTrail(filter: { victimId: $victimId }, first: 100) { edges { node { ${ENTRY_FIELDS} } } } }`,
    { victimId },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.auditTrail.edges.map((edge) => edge.node);
}

const of = (entries: Entry[], requestId: string) => entries.filter((entry) => entry.requestId === requestId);

describe("what is recorded", () => {
  it("a read of personal fields: one entry, in the owning subgraph, naming the record and the fields, never the values", async () => {
    const victim = await register(ngo, { legalName: "Zed Auditable (fictional)", medicalNeeds: "asthma-marker-7731" });
    const { requestId, response } = await traced(
      ngo,
      "query Probe($id: ID!) { victim(id: $id) { caseNumber legalName medicalNeeds } }",
      { id: victim.id },
    );
    expect(response.errors).toBeUndefined();
    const trail = await trailOf(victim.id);
    expect(of(trail, requestId)).toEqual([
      {
        subgraph: "victims",
        seq: expect.any(String),
        actorSub: "ngo-audit-user",
        actorOrg: "ngo-audit",
        actorRole: "ngo",
        kind: "READ",
        action: "victim",
        operation: expect.stringContaining("Probe"),
        requestId,
        outcome: "ALLOWED",
        victimIds: [victim.id],
        fields: ["Victim.legalName", "Victim.medicalNeeds"],
      },
    ]);
    expect(JSON.stringify(trail)).not.toMatch(/Zed Auditable|asthma-marker-7731/);
  });

  it("a read of non-personal fields only (id, caseNumber, nationality, gender, ageBracket) leaves no entry", async () => {
    const victim = await register(ngo);
    const { requestId } = await traced(
      ngo,
      "query ($id: ID!) { victim(id: $id) { id caseNumber nationality gender ageBracket } }",
      { id: victim.id },
    );
    expect(of(await trailOf(victim.id), requestId)).toEqual([]);
  });

  it("a read across subgraphs is recorded by each subgraph whose data was read", async () => {
    const victim = await register(ngo);
    await asPersona(
      ngo,
      "mutation ($id: ID!) { recordConsent(victimId: $id, consent: { kind: SHELTER_SHARING, granted: true }) { kind } }",
      { id: victim.id },
    );
    await asPersona(
      PERSONAS.government,
      'mutation ($id: ID!) { placeVictim(victimId: $id, shelterId: "shelter-maeramat-1") { id } }',
      { id: victim.id },
    );
    const { requestId, response } = await traced(
      PERSONAS.government,
      "query ($id: ID!) { victim(id: $id) { legalName currentPlacement { placedAt } } }",
      { id: victim.id },
    );
    expect(response.errors).toBeUndefined();
    const entries = of(await trailOf(victim.id), requestId);
    expect(entries.map((entry) => [entry.subgraph, entry.kind, entry.outcome, entry.fields]).sort()).toEqual([
      ["shelters", "READ", "ALLOWED", ["Placement.placedAt", "Victim.currentPlacement"]],
      ["victims", "READ", "ALLOWED", ["Victim.legalName"]],
    ]);
  });

  it("a write: one entry in the same transaction, naming the record and the input fields given", async () => {
    const victim = await register(ngo);
    const { requestId, response } = await traced(
      ngo,
      'mutation ($id: ID!) { updateVictim(id: $id, version: 1, changes: { medicalNeeds: "secret-value-9921" }) { version } }',
      { id: victim.id },
    );
    expect(response.errors).toBeUndefined();
    const entries = of(await trailOf(victim.id), requestId);
    expect(entries).toEqual([
      expect.objectContaining({
        subgraph: "victims",
        kind: "WRITE",
        action: "updateVictim",
        outcome: "ALLOWED",
        victimIds: [victim.id],
        fields: ["medicalNeeds"],
      }),
    ]);
    expect(JSON.stringify(entries)).not.toContain("secret-value-9921");
    const registration = (await trailOf(victim.id)).filter(
      (entry) => entry.action === "registerVictim" && entry.kind === "WRITE",
    );
    expect(registration).toEqual([
      expect.objectContaining({
        kind: "WRITE",
        outcome: "ALLOWED",
        actorOrg: "ngo-audit",
        fields: expect.arrayContaining(["legalName", "nationality"]),
      }),
    ]);
  });

  it("every subgraph records the writes to its own data", async () => {
    const victim = await register(ngo, { nationality: "KE" });
    for (const kind of ["SHELTER_SHARING", "CONSULAR_CONTACT", "REPATRIATION"]) {
      await asPersona(
        ngo,
        `mutation ($id: ID!) { recordConsent(victimId: $id, consent: { kind: ${kind}, granted: true }) { kind } }`,
        { id: victim.id },
      );
    }
    const steps = [
      await traced(ngo, 'mutation ($id: ID!) { placeVictim(victimId: $id, shelterId: "shelter-maeramat-1") { id } }', {
        id: victim.id,
      }),
      await traced(ngo, "mutation ($id: ID!) { requestNationalityVerification(victimId: $id) { id } }", {
        id: victim.id,
      }),
      await traced(
        ngo,
        'mutation ($id: ID!) { requestRepatriation(victimId: $id, request: { receivingOrganisation: "Reception (fictional)" }) { id } }',
        { id: victim.id },
      ),
    ];
    for (const step of steps) expect(step.response.errors).toBeUndefined();
    const trail = await trailOf(victim.id);
    expect(
      steps.map((step) =>
        of(trail, step.requestId).map((entry) => [entry.subgraph, entry.kind, entry.action, entry.outcome]),
      ),
    ).toEqual([
      [["shelters", "WRITE", "placeVictim", "ALLOWED"]],
      [["embassies", "WRITE", "requestNationalityVerification", "ALLOWED"]],
      [["repatriation", "WRITE", "requestRepatriation", "ALLOWED"]],
    ]);
    expect(
      trail.filter((entry) => entry.action === "recordConsent" && entry.kind === "WRITE").map((entry) => entry.fields),
    ).toEqual([
      ["granted", "kind"],
      ["granted", "kind"],
      ["granted", "kind"],
    ]);
  });

  it("refused accesses are recorded as DENIED: a record one may not see, a field one may not see, a write one may not make", async () => {
    const victim = await register(ngo);
    const hidden = await traced(otherNgo, "query ($id: ID!) { victim(id: $id) { legalName } }", { id: victim.id });
    expect(errorCodes(hidden.response)).toEqual(["NOT_FOUND"]);
    const write = await traced(
      otherNgo,
      'mutation ($id: ID!) { updateVictim(id: $id, version: 1, changes: { medicalNeeds: "x" }) { version } }',
      { id: victim.id },
    );
    expect(errorCodes(write.response)).toEqual(["NOT_FOUND"]);
    // Straight at the subgraph (the gateway would have removed the field before asking).
    const fieldRequestId = `audit-test-${randomUUID()}`;
    const direct = await hubFetch(subgraphUrl("victims"), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${tokenFor(PERSONAS.embassyPH)}`,
        "x-request-id": fieldRequestId,
      },
      body: JSON.stringify({
        query: "query ($id: ID!) { victim(id: $id) { testimony } }",
        variables: { id: victim.id },
      }),
    });
    expect(((await direct.json()) as GraphQLResponse).errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const trail = await trailOf(victim.id);
    expect(of(trail, hidden.requestId)).toEqual([
      expect.objectContaining({
        kind: "READ",
        action: "victim",
        outcome: "DENIED",
        actorOrg: otherNgo.org,
        victimIds: [victim.id],
      }),
    ]);
    expect(of(trail, write.requestId)).toEqual([
      expect.objectContaining({
        kind: "WRITE",
        action: "updateVictim",
        outcome: "DENIED",
        actorOrg: otherNgo.org,
        victimIds: [victim.id],
        fields: ["medicalNeeds"],
      }),
    ]);
    expect(of(trail, fieldRequestId)).toEqual([
      expect.objectContaining({ outcome: "DENIED", actorOrg: "embassy-PH", victimIds: [victim.id] }),
    ]);
  });
});

describe("who may read the trail", () => {
  it("the case owner reads its own case's trail, without the other organisations' user ids", async () => {
    const victim = await register(ngo);
    await asPersona(PERSONAS.government, "query ($id: ID!) { victim(id: $id) { legalName } }", { id: victim.id });
    const query = `query ($victimId: ID!) { auditTrail(filter: { victimId: $victimId }) { edges { node { actorOrg kind outcome } } } }`;
    const asOwner = await asPersona<{ auditTrail: { edges: Array<{ node: { actorOrg: string } }> } }>(ngo, query, {
      victimId: victim.id,
    });
    expect(asOwner.errors).toBeUndefined();
    expect(asOwner.data!.auditTrail.edges.map((edge) => edge.node.actorOrg)).toContain("gov-mdt");
    const withSub = await asPersona(
      ngo,
      `query ($victimId: ID!) { auditTrail(filter: { victimId: $victimId }) { edges { node { actorSub } } } }`,
      { victimId: victim.id },
    );
    expect(errorCodes(withSub)).toContain("UNAUTHORIZED_FIELD_OR_TYPE");
  });

  it("refuses another NGO (NOT_FOUND), an NGO without a case (FORBIDDEN) and partners without the right (UNAUTHORIZED)", async () => {
    const victim = await register(ngo);
    const query = `query ($victimId: ID) { auditTrail(filter: { victimId: $victimId }) { edges { node { action } } } }`;
    expect(errorCodes(await asPersona(otherNgo, query, { victimId: victim.id }))).toEqual(["NOT_FOUND"]);
    expect(errorCodes(await asPersona(ngo, query, {}))).toEqual(["FORBIDDEN"]);
    for (const name of ["shelter", "embassyPH", "repatriation"] as const) {
      expect(errorCodes(await asPersona(PERSONAS[name], query, { victimId: victim.id }))).toEqual([
        "UNAUTHORIZED_FIELD_OR_TYPE",
      ]);
    }
    expect(errorCodes(await asPersona(ngo, "{ verifyAuditChain { intact } }"))).toEqual(["UNAUTHORIZED_FIELD_OR_TYPE"]);
  });

  it("pages newest first across the four subgraphs with stable cursors", async () => {
    const seen = new Set<string>();
    let after: string | null = null;
    for (let page = 0; page < 3; page += 1) {
      const response: GraphQLResponse<{
        auditTrail: {
          edges: Array<{ cursor: string; node: { subgraph: string; seq: string } }>;
          pageInfo: { endCursor: string };
        };
      }> = await asPersona(
        auditor,
        "query ($after: String) { auditTrail(first: 5, after: $after) { edges { cursor node { subgraph seq } } pageInfo { endCursor } } }",
        { after },
      );
      expect(response.errors).toBeUndefined();
      for (const edge of response.data!.auditTrail.edges) {
        const key = `${edge.node.subgraph}:${edge.node.seq}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
      after = response.data!.auditTrail.pageInfo.endCursor;
    }
    expect(seen.size).toBe(15);
  });
});

describe("the chain", () => {
  it("stays whole under many concurrent appends: 1,500 audited reads, 40 at a time, then every subgraph's chain verifies", async () => {
    const victim = await register(ngo);
    const token = `Bearer ${tokenFor(PERSONAS.government)}`;
    const read = () =>
      hubFetch(subgraphUrl("victims"), {
        method: "POST",
        headers: { "content-type": "application/json", authorization: token },
        body: JSON.stringify({ query: `{ victim(id: "${victim.id}") { legalName } }` }),
      }).then((response) => response.json());
    for (let batch = 0; batch < 1500 / 40; batch += 1) await Promise.all(Array.from({ length: 40 }, read));
    await Promise.all(Array.from({ length: 1500 % 40 }, read));
    const reports = await asPersona<{
      verifyAuditChain: Array<{ subgraph: string; entries: number; intact: boolean; firstBrokenSeq: string | null }>;
    }>(auditor, "{ verifyAuditChain { subgraph entries intact firstBrokenSeq } }");
    expect(reports.errors).toBeUndefined();
    expect(
      reports.data!.verifyAuditChain.map((report) => [report.subgraph, report.intact, report.firstBrokenSeq]),
    ).toEqual([
      ["victims", true, null],
      ["shelters", true, null],
      ["embassies", true, null],
      ["repatriation", true, null],
    ]);
    expect(reports.data!.verifyAuditChain[0].entries).toBeGreaterThanOrEqual(1500);
  });

  it("concurrent reads share append statements (group commit), and each still has its own entry", async () => {
    const victim = await register(ngo);
    const token = `Bearer ${tokenFor(PERSONAS.government)}`;
    const read = (requestId: string) =>
      hubFetch(subgraphUrl("victims"), {
        method: "POST",
        headers: { "content-type": "application/json", authorization: token, "x-request-id": requestId },
        body: JSON.stringify({ query: `{ victim(id: "${victim.id}") { legalName } }` }),
      }).then(async (response) => ({
        statements: response.headers.get("x-sql-statements"),
        body: await response.json(),
      }));
    const alone = await read(`audit-alone-${randomUUID()}`);
    expect(alone.statements).toBe("2"); // the case, and the append
    const requestIds = Array.from({ length: 30 }, () => `audit-batch-${randomUUID()}`);
    const together = await Promise.all(requestIds.map(read));
    // Each request still counts the append its entries went into, whoever's turn ran it.
    expect(together.map((answer) => answer.statements)).toEqual(requestIds.map(() => "2"));
    const response = await asPersona<{ auditTrail: { edges: Array<{ node: Entry & { at: string } }> } }>(
      auditor,
      `query ($victimId: ID!) { auditTrail(filter: { victimId: $victimId }, first: 100) { edges { node { at ${ENTRY_FIELDS} } } } }`,
      { victimId: victim.id },
    );
    const reads = response
      .data!.auditTrail.edges.map((edge) => edge.node)
      .filter((entry) => requestIds.includes(entry.requestId));
    expect(reads.map((entry) => entry.requestId).sort()).toEqual([...requestIds].sort());
    expect(
      reads.every(
        (entry) => entry.kind === "READ" && entry.outcome === "ALLOWED" && entry.fields.includes("Victim.legalName"),
      ),
    ).toBe(true);
    // One append statement stamps its entries with one time: fewer times than requests means shared statements.
    expect(new Set(reads.map((entry) => entry.at)).size).toBeLessThan(requestIds.length);
  });

  if (hubState().usingServer) {
    it("refuses UPDATE, DELETE and TRUNCATE on the PostgreSQL server, even to a superuser", async () => {
      const client = new Client({ connectionString: hubState().databaseUrls.victims });
      await client.connect();
      try {
        for (const statement of [
          "UPDATE audit_entry SET actor_org = 'someone-else'",
          "DELETE FROM audit_entry",
          "TRUNCATE audit_entry",
          "DELETE FROM audit_chain_head",
        ]) {
          await expect(client.query(statement)).rejects.toThrow(/append-only/);
        }
      } finally {
        await client.end();
      }
    });
  }

  it("refuses UPDATE and DELETE, finds a row edited behind the application's back (superuser, trigger disabled), and answers no read it cannot audit", async () => {
    await withStandaloneVictims(
      async (victims) => {
        // Some history: registrations and audited reads.
        for (let index = 0; index < 5; index += 1) {
          const registered = await victims.asGovernment<{ registerVictim: { id: string } }>(
            `mutation { registerVictim(victim: { nationality: "KE", gender: MALE, ageBracket: AGE_26_35, legalName: "Tamper Test ${index}" }) { id } }`,
          );
          await victims.asGovernment(`{ victim(id: "${registered.data!.registerVictim.id}") { legalName } }`);
        }
        const before = await victims.verify();
        expect(before).toMatchObject({ subgraph: "victims", intact: true, firstBrokenSeq: null });
        expect(before.entries).toBeGreaterThanOrEqual(10);

        await victims.stop();
        const refused = await victims.sql([
          "UPDATE audit_entry SET actor_org = 'someone-else' WHERE seq = 3",
          "DELETE FROM audit_entry WHERE seq = 3",
          "TRUNCATE audit_entry",
        ]);
        expect(refused.map((result) => result.error)).toEqual([
          expect.stringMatching(/append-only/),
          expect.stringMatching(/append-only/),
          expect.stringMatching(/append-only/),
        ]);
        const tampered = await victims.sql([
          "ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only",
          "UPDATE audit_entry SET actor_org = 'nobody-looked' WHERE seq = 4",
          "ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only",
        ]);
        expect(tampered.map((result) => result.error)).toEqual([null, null, null]);
        await victims.start();

        expect(await victims.verify()).toMatchObject({
          intact: false,
          firstBrokenSeq: "4",
          problem: "its content does not match its hash",
        });

        // No unaudited access: with the trail unable to take entries, a personal read is not answered.
        await victims.stop();
        expect(
          (await victims.sql(["ALTER FUNCTION audit_append(jsonb) RENAME TO audit_append_away"]))[0].error,
        ).toBeNull();
        await victims.start();
        const listed = await victims.asGovernment<{ victims: { edges: Array<{ node: { id: string } }> } }>(
          "{ victims(first: 1) { edges { node { id } } } }",
        );
        expect(listed.errors).toBeUndefined();
        const unaudited = await victims.asGovernment<{ victim: unknown }>(
          `{ victim(id: "${listed.data!.victims.edges[0].node.id}") { legalName } }`,
        );
        expect(unaudited.data ?? null).toBeNull();
        expect(unaudited.errors?.map((error) => error.extensions?.code)).toEqual(["SERVICE_UNAVAILABLE"]);
        expect(JSON.stringify(unaudited)).not.toMatch(/Demo-|audit_append|function/);
      },
      { basePort: testPort(11) },
    );
  });
});
