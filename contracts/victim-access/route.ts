/**
 * `POST /internal/victim-access`: the shelters, embassies and repatriation subgraphs
 * extend `Victim`; before they answer or change anything about one, they ask its owner,
 * the victims subgraph, which of some ids the caller (whose token the question carries)
 * may see, and the facts their own rules need about them — and each asker is told only
 * those facts (`VICTIM_FACTS_FOR`). Those facts never come from the client. The same
 * answer may come ahead of the question, sealed, in a grant (grant.ts); the askers' side
 * is asking.ts, the answer subgraphs/victims/victim-access.ts.
 */
import { idsQuestion } from "../../platform/internal-api";
import type { SubgraphName } from "../../subgraphs/index";
import { contract } from "../route";

/** Consents the other subgraphs' rules depend on (mirrors the victims subgraph's ConsentKind). */
export type ConsentName = "CONSULAR_CONTACT" | "REPATRIATION" | "SHELTER_SHARING";

export interface VictimAccess {
  id: string;
  /** The caller's organisation owns the case (or the caller is government). */
  actsAsOwner: boolean;
  nationality: string;
  /** Consents currently granted, of the kinds the asking subgraph's rules need. */
  consents: ConsentName[];
  /** The organisation that owns the case: the repatriation subgraph only. */
  ownerOrg?: string;
  /** The repatriation subgraph only (a journey's escort). */
  requiresMedicalEscort?: boolean;
}

export interface VictimAccessRequest {
  ids: string[];
}

export interface VictimAccessAnswer {
  visible: VictimAccess[];
}

interface FactsNeeded {
  consents: readonly ConsentName[];
  repatriationFacts: boolean;
}

/**
 * Least privilege between subgraphs: the subgraphs that may ask, each with what its rules
 * need to know about a person, and nothing more. A subgraph not listed may not ask (a new
 * subgraph is not an asker until it is added here). The victims subgraph answers each
 * asker with these facts only, and a subgraph opening a grant keeps only its own.
 */
export const VICTIM_FACTS_FOR: Partial<Record<Exclude<SubgraphName, "victims">, FactsNeeded>> = {
  shelters: { consents: [], repatriationFacts: false },
  embassies: { consents: ["CONSULAR_CONTACT"], repatriationFacts: false },
  repatriation: { consents: ["REPATRIATION"], repatriationFacts: true },
};

export const VICTIM_ACCESS = contract<VictimAccessRequest, VictimAccessAnswer>({
  path: "/internal/victim-access",
  answeredBy: "victims",
  askers: Object.keys(VICTIM_FACTS_FOR) as Array<keyof typeof VICTIM_FACTS_FOR>,
  parse: idsQuestion,
});

export const VICTIM_ACCESS_PATH = VICTIM_ACCESS.path;

/** The facts `asker` may be told about a person (see VICTIM_FACTS_FOR). */
export function factsFor(asker: string, access: VictimAccess): VictimAccess {
  const needs = (VICTIM_FACTS_FOR as Partial<Record<string, FactsNeeded>>)[asker];
  if (!needs) throw new Error(`the ${asker} subgraph is told nothing about victims`);
  const facts: VictimAccess = {
    id: access.id,
    actsAsOwner: access.actsAsOwner,
    nationality: access.nationality,
    consents: access.consents.filter((consent) => needs.consents.includes(consent)),
  };
  if (needs.repatriationFacts) {
    facts.ownerOrg = access.ownerOrg;
    facts.requiresMedicalEscort = access.requiresMedicalEscort;
  }
  return facts;
}
