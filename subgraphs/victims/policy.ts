/**
 * Access policy of the victims subgraph — the DESIGN.md table, field by field.
 * Change visibility here and nowhere else; `npm run docs:access` regenerates the
 * matrix, `npm run compose` the SDL that carries it to the gateway.
 */
import { connectionPolicy } from "../../platform/pagination";
import {
  ALL_ROLES,
  allow,
  CASE_ROLES,
  input,
  open,
  sameRule,
  tests,
  type SubgraphPolicy,
} from "../../platform/policy/types";
import { enforcerFor } from "../../platform/policy/enforce";
import {
  CASE_OWNER,
  RECORDED_BY_OWN_ORGANISATION,
  REFERRAL_ADDRESSED_TO_IT,
  TRAIL_IDS_OF_VISIBLE_CASES,
  TRAIL_OF_OWN_CASE,
  WITHHELD_COUNT_PUBLISHED,
} from "./conditions";
import { VICTIM_FIELD_RULES, VICTIM_NOT_PERSONAL } from "./field-rules";
import { VICTIM_RECORD_RULES } from "./record-rules";

const EVERY_RECORD_ROLE = CASE_ROLES; // government, ngo, shelter, embassy, repatriation
const AUDIT_READERS = ["auditor", "government", "ngo"] as const;
const NO_ENTRIES = {
  government: "none",
  ngo: "none",
  shelter: "none",
  embassy: "none",
  repatriation: "none",
  auditor: "none",
};

export const victimsPolicy: SubgraphPolicy = {
  Query: {
    records: "Entry points; each applies the Victim record rule.",
    fields: {
      victim: allow(EVERY_RECORD_ROLE),
      victims: {
        ...allow(EVERY_RECORD_ROLE),
        arguments: {
          filter: input({ nationality: tests("Victim.nationality"), nrmStatus: tests("Victim.nrmStatus") }),
        },
      },
      nationals: {
        ...allow(["government", "embassy"]),
        arguments: { country: tests("Victim.nationality"), caseNumber: tests("Victim.caseNumber") },
      },
      me: allow(ALL_ROLES),
      referralsToMe: { ...allow(["ngo", "shelter", "repatriation"]), arguments: { status: tests("Referral.status") } },
      auditTrail: {
        ...allow(AUDIT_READERS, { ngo: TRAIL_OF_OWN_CASE }),
        arguments: {
          filter: input({
            victimId: tests("AuditEntry.victimIds"),
            actorOrg: tests("AuditEntry.actorOrg"),
            from: tests("AuditEntry.at"),
            to: tests("AuditEntry.at"),
            operation: tests("AuditEntry.operation"),
          }),
        },
      },
      verifyAuditChain: allow(["auditor", "government"]),
      // The survivor's copy: the case owner (its own case) and government; every field in it carries its own rule.
      exportSubjectData: {
        ...allow(["government", "ngo"], { ngo: CASE_OWNER }),
        arguments: {
          victimId: open("the record rule answers a case the caller may not see as if it did not exist"),
        },
      },
      caseStatistics: {
        ...allow(ALL_ROLES),
        arguments: {
          // A grouping publishes counts, never a record: each cell is published only when the part of it the
          // caller may not see (a record, or a grouped field of it) is 0 or at least 5 (platform/statistics).
          groupBy: open(
            "aggregates only: a cell is published when the part of it the caller may not see is 0 or at least 5 people",
          ),
        },
      },
      caseDurations: allow(ALL_ROLES),
    },
  },
  CaseStatistics: {
    records: "Aggregates only, small cells suppressed.",
    fields: sameRule(["groupBy", "cells", "total", "rule"], allow(ALL_ROLES)),
  },
  StatisticsCell: {
    records: "One group of a statistic.",
    fields: sameRule(["group", "count", "suppressed"], allow(ALL_ROLES)),
  },
  GroupValue: { records: "One dimension's value.", fields: sameRule(["dimension", "value"], allow(ALL_ROLES)) },
  DurationStatistic: {
    records: "A median over a group of 5 or more.",
    fields: sameRule(["measure", "people", "medianDays", "suppressed"], allow(ALL_ROLES)),
  },
  AuditEntry: {
    records: { ...NO_ENTRIES, auditor: "every entry", government: "every entry", ngo: "entries about a case it owns" },
    fields: {
      ...sameRule(
        [
          "subgraph",
          "seq",
          "at",
          "actorOrg",
          "actorRole",
          "kind",
          "action",
          "operation",
          "requestId",
          "outcome",
          "fields",
          "hash",
        ],
        allow(AUDIT_READERS),
      ),
      // Who at another organisation looked is that organisation's staff matter: org and role suffice for a case owner.
      actorSub: allow(["auditor", "government"]),
      // Ids follow the Victim record rule (ids of people a case owner may not see are withheld, merely counted).
      victimIds: allow(AUDIT_READERS, { ngo: TRAIL_IDS_OF_VISIBLE_CASES }),
      withheldVictimIds: allow(AUDIT_READERS, { ngo: WITHHELD_COUNT_PUBLISHED }),
    },
  },
  AuditEntryConnection: {
    records: "A page of the audit trail.",
    fields: sameRule(["edges", "pageInfo"], allow(AUDIT_READERS)),
  },
  AuditEntryEdge: { records: "One entry and its cursor.", fields: sameRule(["cursor", "node"], allow(AUDIT_READERS)) },
  AuditChainReport: {
    records: "One report per subgraph.",
    fields: sameRule(["subgraph", "entries", "intact", "firstBrokenSeq", "problem"], allow(["auditor", "government"])),
  },
  Mutation: {
    records: "Writes obey the Victim record rule: a case you may not see is NOT_FOUND.",
    fields: {
      ...sameRule(["registerVictim", "registerVictims"], allow(["government", "ngo"])),
      ...sameRule(
        ["updateVictim", "recordConsent", "referCase", "revokeReferral"],
        allow(["government", "ngo"], { ngo: CASE_OWNER }),
      ),
      identifyVictim: allow(["government"]),
      // Erasure: who owns the case may have it erased (the survivor's request through their case worker), and government.
      requestErasure: allow(["government", "ngo"], { ngo: CASE_OWNER }),
      ...sameRule(["placeLegalHold", "liftLegalHold"], allow(["government"])),
      respondToReferral: allow(["ngo", "shelter", "repatriation"], {
        ngo: REFERRAL_ADDRESSED_TO_IT,
        shelter: REFERRAL_ADDRESSED_TO_IT,
        repatriation: REFERRAL_ADDRESSED_TO_IT,
      }),
    },
  },
  ErasureRequest: {
    records: "The erasure of a case, to who may request it (Victim.erasure, requestErasure).",
    subject: "victimId",
    notPersonal: ["status", "deliveries", "requestedByOrg", "requestedByRole"],
    fields: sameRule(
      [
        "id",
        "victimId",
        "reason",
        "requestedByOrg",
        "requestedByRole",
        "requestedAt",
        "completedAt",
        "status",
        "deliveries",
      ],
      allow(["government", "ngo"]),
    ),
  },
  ErasureDelivery: {
    records: "One subgraph's part of an erasure: names and times, nothing of the person.",
    fields: sameRule(["subgraph", "attempts", "confirmedAt", "nextAttemptAt"], allow(["government", "ngo"])),
  },
  LegalHold: {
    records: "The hold standing on a case, to government and the case owner (Victim.legalHold).",
    subject: "victimId",
    notPersonal: ["placedByOrg", "liftedByOrg"],
    fields: {
      ...sameRule(
        ["id", "victimId", "placedByOrg", "placedAt", "liftedAt", "liftedByOrg"],
        allow(["government", "ngo"]),
      ),
      // What the proceedings are is government's: the owner is told that a hold stands and since when.
      ...sameRule(["reason", "liftReason"], allow(["government"])),
    },
  },
  Me: {
    records: "The caller only.",
    fields: sameRule(["sub", "org", "role", "country", "shelter", "access"], allow(ALL_ROLES)),
  },
  TypeAccess: {
    records: "The caller's own access.",
    fields: sameRule(["type", "subgraphs", "records", "fields"], allow(ALL_ROLES)),
  },
  FieldAccess: {
    records: "The caller's own access.",
    fields: sameRule(["name", "condition"], allow(ALL_ROLES)),
  },
  Victim: {
    records: VICTIM_RECORD_RULES,
    subject: "id",
    notPersonal: VICTIM_NOT_PERSONAL,
    fields: VICTIM_FIELD_RULES,
  },
  Consent: {
    records: "Consents of a visible victim, to those who may read Victim.consents.",
    subject: "victimId",
    fields: {
      ...sameRule(
        ["id", "kind", "granted", "country", "recordedByOrg", "recordedByRole", "recordedAt"],
        allow(["government", "ngo"]),
      ),
      // Another organisation's staff are that organisation's matter: its name and role suffice.
      recordedBy: allow(["government", "ngo"], {
        government: RECORDED_BY_OWN_ORGANISATION,
        ngo: RECORDED_BY_OWN_ORGANISATION,
      }),
    },
  },
  Referral: {
    records: {
      government: "referrals of every case",
      ngo: "referrals of the cases it sees, and those addressed to it",
      shelter: "referrals addressed to it",
      repatriation: "referrals addressed to it",
      embassy: "none",
      auditor: "none",
    },
    subject: "victimId",
    fields: {
      ...sameRule(
        ["id", "toOrg", "toRole", "purpose", "status", "createdByOrg", "createdAt", "decidedAt"],
        allow(["government", "ngo", "shelter", "repatriation"]),
      ),
      victim: allow(["government", "ngo", "shelter", "repatriation"]),
    },
  },
  ...connectionPolicy("Victim", EVERY_RECORD_ROLE),
};

/** Runs this subgraph's conditions on the records its resolvers load (platform/policy/enforce.ts). */
export const enforce = enforcerFor(victimsPolicy);
