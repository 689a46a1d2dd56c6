/**
 * Attack (or carelessness): a partner app names its operation after the person it reads — a
 * name, a document number — and the audit trail keeps the operation name. The trail is never
 * erased (its entries hold ids and field names, never values: docs/audit-trail.md), so such a
 * value would outlive the person's erasure and reappear in every survivor's copy. An entry
 * keeps only a plain operation name (platform/audit/plugin.ts `auditedOperationName`: a
 * GraphQL name with at most 4 digits, as the metrics' labels); anything else is "other".
 */
import { register } from "../support/cases";
import { asPersona, PERSONAS } from "../support/hub";

const owner = { role: "ngo", org: `ngo-operation-names-${process.pid}` } as const;
const TRAIL = `query ($victimId: ID!) { auditTrail(filter: { victimId: $victimId }, first: 100) { edges { node { action operation } } } }`;

test("an operation named after a document number leaves no digit run of it in the audit trail; a plain name is kept", async () => {
  const { id } = await register(owner);
  const carrying = await asPersona(
    owner,
    `query Rae_Demo_PH5305665_Border_crossing($id: ID!) { victim(id: $id) { legalName } }`,
    { id },
  );
  expect(carrying.errors).toBeUndefined();
  const plain = await asPersona(owner, `query CaseProbe($id: ID!) { victim(id: $id) { legalName } }`, { id });
  expect(plain.errors).toBeUndefined();

  const trail = await asPersona<{ auditTrail: { edges: Array<{ node: { action: string; operation: string } }> } }>(
    PERSONAS.government,
    TRAIL,
    { victimId: id },
  );
  expect(trail.errors).toBeUndefined();
  const operations = trail.data!.auditTrail.edges.map((edge) => edge.node.operation);
  expect(JSON.stringify(operations)).not.toMatch(/5305665|Rae_Demo/);
  expect(operations).toContain("other");
  expect(operations.some((operation) => operation.startsWith("CaseProbe"))).toBe(true);
}, 60_000);
