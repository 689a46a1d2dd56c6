/** The victims subgraph: cases, consents, referrals. Owns `Victim` and who may see it; serves oversight (./oversight/). */
import { AuditTrail1768003200000 } from "../../platform/audit/migration";
import type { SubgraphModule } from "../../platform/subgraph-server";
import { victimsSubjectExport } from "./subject-export";
import { Consent } from "./entities/consent";
import { ErasureDelivery, ErasureRequest, LegalHold } from "./entities/erasure";
import { erasureOutboxWorker, victimsErasure } from "./erasure";
import { Erasure1768348800000 } from "./migrations/1768348800000-erasure";
import { ErasureResolver } from "./resolvers/erasure-resolver";
import { Referral } from "./entities/referral";
import { Victim } from "./entities/victim";
import { CreateVictims1767225600000 } from "./migrations/1767225600000-create-victims";
import { victimsPolicy } from "./policy";
import { CaseWorkflows1767830400000 } from "./migrations/1767830400000-case-workflows";
import { ConsentCountry1768176000000 } from "./migrations/1768176000000-consent-country";
import { ReferralRetention1768262400000 } from "./migrations/1768262400000-referral-retention";
import { closedReferralRetention } from "./retention";
import { closedJourneysRoute, heldVictims, legalHoldsRoute } from "./retention-orders";
import { EncryptAtRest1768305600000 } from "./migrations/1768305600000-encrypt-at-rest";
// type-graphql lists Query fields in the order their resolver classes are declared, i.e. imported:
// case and oversight resolvers interleave here so that the SDL keeps the order it always had.
import { AuditResolver } from "./oversight/audit-resolver";
import { CaseUpdateResolver, ConsentResolver } from "./resolvers/case-update-resolver";
import { MeResolver } from "./oversight/me-resolver";
import { ReferralResolver } from "./resolvers/referral-resolver";
import { RegistrationResolver } from "./resolvers/registration-resolver";
import { StatisticsResolver } from "./oversight/statistics-resolver";
import { SubjectExportResolver } from "./resolvers/subject-export-resolver";
import { VictimResolver, victimReferenceResolvers } from "./resolvers/victim-resolver";
import { victimsDemoData } from "./seed";
import {
  victimAccessGrantPlugin,
  victimAccessRoute,
  victimsRequestContext,
  type VictimsContextExtra,
} from "./victim-access";

export const victimsSubgraph: SubgraphModule<VictimsContextExtra> = {
  name: "victims",
  entities: [Victim, Consent, Referral, ErasureRequest, ErasureDelivery, LegalHold],
  migrations: [
    CreateVictims1767225600000,
    CaseWorkflows1767830400000,
    AuditTrail1768003200000,
    ConsentCountry1768176000000,
    ReferralRetention1768262400000,
    EncryptAtRest1768305600000,
    Erasure1768348800000,
  ],
  resolvers: [
    VictimResolver,
    RegistrationResolver,
    CaseUpdateResolver,
    ConsentResolver,
    ReferralResolver,
    ErasureResolver,
    // Oversight (./oversight/README.md): served here, fenced from the case code above.
    MeResolver,
    AuditResolver,
    StatisticsResolver,
    SubjectExportResolver,
  ],
  referenceResolvers: victimReferenceResolvers,
  policy: victimsPolicy,
  subjectExport: victimsSubjectExport,
  demoData: victimsDemoData,
  routes: [victimAccessRoute, legalHoldsRoute, closedJourneysRoute],
  requestContext: victimsRequestContext,
  plugins: [victimAccessGrantPlugin],
  retention: { kinds: [closedReferralRetention], holds: (manager, subjectIds) => heldVictims(manager, subjectIds) },
  erasure: victimsErasure,
  workers: [erasureOutboxWorker],
};
