/**
 * `POST /internal/audit-chain`: the victims subgraph (which answers `verifyAuditChain`)
 * asks every subgraph to recompute its own audit chain. Auditors and government only; the
 * answerer checks the caller's role again (subgraphs/audit-routes.ts).
 */
import { noQuestion } from "../platform/internal-api";
import type { AuditChainReport } from "../platform/audit/trail";
import { contract } from "./route";

export const AUDIT_CHAIN = contract<Record<string, never>, AuditChainReport>({
  path: "/internal/audit-chain",
  answeredBy: "every subgraph",
  askers: ["victims"],
  parse: noQuestion,
});

export const AUDIT_CHAIN_PATH = AUDIT_CHAIN.path;
