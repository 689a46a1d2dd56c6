/**
 * Attacks on the survivor's copy (`exportSubjectData`, contracts/subject-export.ts): a partner
 * with a valid token goes straight at a subgraph's export route, unsigned or signed by the
 * wrong process; an insider holding the victims subgraph's credential asks a subgraph for the
 * copy of a person the caller may not have (each answerer must decide itself, with the victims
 * subgraph, never take the asker's word); and a caller compares a hidden case with a missing one.
 */
import { randomUUID } from "node:crypto";
import { SUBJECT_EXPORT_PATH } from "../../contracts/subject-export";
import {
  createServiceCredentials,
  loadServiceSecret,
  SERVICE_CREDENTIAL_HEADER,
} from "../../platform/auth/service-credentials";
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { SUBGRAPH_NAMES, type SubgraphName } from "../../subgraphs/index";
import { consent, issueTravelDocument, confirmNationality, register } from "../support/cases";
import {
  asPersona,
  hubFetch,
  PERSONAS,
  subgraphUrl,
  testAuthConfig,
  tokenFor,
  type HubFetchOptions,
} from "../support/hub";

const EXPORT = "query ($victimId: ID!) { exportSubjectData(victimId: $victimId) }";
const PEERS = SUBGRAPH_NAMES.filter((name) => name !== "victims");

const owner = { role: "ngo", org: `ngo-export-attack-${randomUUID().slice(0, 8)}` } as const;
let victimId: string;

/** POST to a subgraph's export route as `asker` would (its credential, its signature), for `persona`. */
function askExport(
  subgraph: SubgraphName,
  persona: DevTokenRequest,
  body: unknown,
  options: HubFetchOptions & { asker?: string } = {},
) {
  const asker = options.asker ?? "victims";
  const credential = createServiceCredentials(
    asker,
    loadServiceSecret({ devKeyDir: testAuthConfig().devKeyDir }),
  ).current();
  return hubFetch(
    subgraphUrl(subgraph).replace("/graphql", SUBJECT_EXPORT_PATH),
    {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${tokenFor(persona)}`,
        [SERVICE_CREDENTIAL_HEADER]: credential,
      },
      body: JSON.stringify(body),
    },
    { signer: asker, ...options },
  );
}

beforeAll(async () => {
  ({ id: victimId } = await register(owner, { nationality: "PH" }));
  await consent(owner, victimId, "CONSULAR_CONTACT", true);
  await confirmNationality(owner, PERSONAS.embassyPH, victimId);
  await issueTravelDocument(PERSONAS.embassyPH, victimId);
}, 60_000);

describe("the survivor's copy, straight at the subgraphs", () => {
  it.each(PEERS)(
    "%s answers its export route to the victims subgraph for the case owner (the control)",
    async (peer) => {
      const response = await askExport(peer, owner, { victimId });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ subgraph: peer, records: expect.any(Object) });
    },
  );

  it.each(SUBGRAPH_NAMES)("%s refuses its export route without the hub's signature: 403", async (subgraph) => {
    const response = await askExport(subgraph, owner, { victimId }, { unsigned: true });
    expect(response.status).toBe(403);
    expect(JSON.stringify(await response.json())).not.toContain(victimId);
  });

  it.each(PEERS)("%s refuses its export route to the gateway and to any subgraph but victims: 403", async (peer) => {
    for (const asker of ["gateway", ...SUBGRAPH_NAMES.filter((name) => name !== "victims")])
      expect({ asker, status: (await askExport(peer, owner, { victimId }, { asker })).status }).toEqual({
        asker,
        status: 403,
      });
  });

  it.each(PEERS)(
    "%s decides the caller's right itself: a rightful asker's question for a caller who may not have the copy is refused",
    async (peer) => {
      // The victims subgraph's own credential and signature (what an insider of it could send): the answerer
      // still asks the victims subgraph who this caller is to the person, and refuses alike hidden and missing.
      for (const persona of [PERSONAS.otherNgo, PERSONAS.embassyPH, PERSONAS.shelter, PERSONAS.auditor]) {
        const hidden = await askExport(peer, persona, { victimId });
        const missing = await askExport(peer, persona, { victimId: randomUUID() });
        expect({ persona: persona.org, status: hidden.status }).toEqual({ persona: persona.org, status: 403 });
        const withoutRequestId = async (response: Response) =>
          JSON.stringify(await response.json()).replace(/"requestId":"[^"]*"/g, "");
        expect(await withoutRequestId(hidden)).toEqual(await withoutRequestId(missing));
      }
    },
  );

  it("a case the caller may not see answers exactly like a missing one, in data, error and work done", async () => {
    const observe = async (id: string) => {
      const response = await asPersona(PERSONAS.otherNgo, EXPORT, { victimId: id });
      return {
        status: response.status,
        data: response.data ?? null,
        errors: (response.errors ?? []).map((error) => ({ message: error.message, code: error.extensions?.code })),
        counters: {
          sql: response.extensions?.sqlStatements ?? null,
          peers: response.extensions?.peerQuestions ?? null,
        },
      };
    };
    const hidden = await observe(victimId);
    expect(hidden.errors).toEqual([{ message: expect.any(String), code: "NOT_FOUND" }]);
    // The counters are on in the test hub (HUB_DIAGNOSTIC_COUNTERS): the comparison covers the work done.
    expect(hidden.counters.sql).not.toBeNull();
    expect(hidden).toEqual(await observe(randomUUID()));
  });
});
