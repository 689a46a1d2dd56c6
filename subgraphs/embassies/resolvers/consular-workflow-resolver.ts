/**
 * Nationality verification and travel documents. The case owner (or government) asks
 * the embassy of the survivor's claimed nationality to verify it — only with the
 * survivor's consent to consular contact; that embassy alone confirms or rejects, and
 * only for a confirmed national does it issue a travel document. Who owns the case,
 * the nationality and the consents come from the victims subgraph, never from the client.
 */
import {
  findVisibleOfVictim,
  requireVisibleVictim,
  type VictimAccessAskingContext,
} from "../../../contracts/victim-access/asking";
import { auditedTransaction } from "../../../platform/audit/audit-log";
import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { EntityManager } from "typeorm";
import { insertUnlessClash } from "../../../platform/database";
import { ErrorCode, hubError, notFound } from "../../../platform/errors";
import { invalidField } from "../../../platform/validation";
import { Embassy } from "../entities/embassy";
import { TravelDocumentStatus, VerificationDecision, VerificationStatus } from "../entities/enums";
import { NationalityVerification } from "../entities/nationality-verification";
import { TRAVEL_DOCUMENT_NUMBER_MATCH, TravelDocument } from "../entities/travel-document";
import { TravelDocumentInput, VerificationDecisionInput } from "../inputs/consular-inputs";
import { enforce } from "../policy";

/**
 * A verification or document of the caller's own country, of a person the caller may
 * still see (consular consent may be withdrawn): anything else — missing, another
 * country's, a person hidden from the caller — is the same NOT_FOUND at the same cost
 * (platform/visible-record.ts). Read before the transaction; read again, locked, inside it.
 */
function ownCountryRecord<T extends NationalityVerification | TravelDocument>(
  context: VictimAccessAskingContext,
  entity: new () => T,
  id: string,
  mutation: string,
): Promise<T> {
  const load = (recordId: string) =>
    context.db.manager.getRepository(entity).findOne({ where: { id: recordId } as never });
  return findVisibleOfVictim(
    context,
    entity.name,
    id,
    load,
    // The mutation's condition (its own country's record) decides visibility here: failing it is NOT_FOUND.
    (record, access) => access !== null && enforce.holds(context, mutation, entity.name, record),
  ).then((found) => found.record);
}

async function lockedAgain<T extends NationalityVerification | TravelDocument>(
  manager: EntityManager,
  entity: new () => T,
  id: string,
): Promise<T> {
  const record = await manager
    .getRepository(entity)
    .findOne({ where: { id } as never, lock: { mode: "pessimistic_write" } });
  // Checked visible a moment ago; records are never deleted, so this holds, but never answer more than NOT_FOUND.
  if (!record) throw notFound(entity.name);
  return record;
}

@Resolver()
export class ConsularWorkflowResolver {
  @Mutation(() => NationalityVerification, {
    description:
      "Asks the embassy of the survivor's stated nationality to verify it (case owner, government). Needs consular-contact consent (else CONSENT_REQUIRED); one open request per person and country (else CONFLICT).",
  })
  async requestNationalityVerification(
    @Arg("victimId", () => ID) victimId: string,
    @Ctx() context: VictimAccessAskingContext,
  ): Promise<NationalityVerification> {
    const victim = await requireVisibleVictim(context, victimId);
    enforce(context, "Mutation.requestNationalityVerification", "Victim", victim);
    if (!victim.consents.includes("CONSULAR_CONTACT")) {
      throw hubError(
        ErrorCode.CONSENT_REQUIRED,
        "Asking an embassy needs the survivor's CONSULAR_CONTACT consent; record it first",
      );
    }
    return auditedTransaction(context, async (manager) => {
      if (!(await manager.getRepository(Embassy).existsBy({ country: victim.nationality }))) {
        throw hubError(ErrorCode.NOT_FOUND, `No embassy of ${victim.nationality} takes part in the hub`);
      }
      if (
        await manager
          .getRepository(NationalityVerification)
          .existsBy({ victimId, country: victim.nationality, status: VerificationStatus.CONFIRMED })
      ) {
        throw hubError(ErrorCode.CONFLICT, "The embassy has already confirmed this person's nationality");
      }
      const id = await insertUnlessClash(
        manager,
        NationalityVerification,
        {
          victimId,
          country: victim.nationality,
          status: VerificationStatus.REQUESTED,
          requestedAt: new Date(),
          requestedByOrg: context.caller.org,
          decidedAt: null,
          decidedByOrg: null,
          reason: null,
        },
        "nationality_verification_one_open",
        () => hubError(ErrorCode.CONFLICT, "A verification request for this person is already open"),
      );
      return manager.getRepository(NationalityVerification).findOneByOrFail({ id });
    });
  }

  @Mutation(() => NationalityVerification, {
    description:
      "Confirms or rejects a verification request addressed to your country (embassy). A rejection needs a reason. A decided request cannot change (INVALID_TRANSITION).",
  })
  async decideNationalityVerification(
    @Arg("id", () => ID) id: string,
    @Arg("decision", () => VerificationDecisionInput) input: VerificationDecisionInput,
    @Ctx() context: VictimAccessAskingContext,
  ): Promise<NationalityVerification> {
    if (input.decision === VerificationDecision.REJECTED && !input.reason)
      throw invalidField("reason", "is required when rejecting");
    await ownCountryRecord(context, NationalityVerification, id, "Mutation.decideNationalityVerification");
    return auditedTransaction(context, async (manager) => {
      const verification = await lockedAgain(manager, NationalityVerification, id);
      if (verification.status !== VerificationStatus.REQUESTED) {
        throw hubError(
          ErrorCode.INVALID_TRANSITION,
          `The request was already decided (${verification.status}); ask for a new verification instead`,
          {
            currentState: verification.status,
            allowedTransitions: [],
          },
        );
      }
      await manager.update(
        NationalityVerification,
        { id },
        {
          status:
            input.decision === VerificationDecision.CONFIRMED
              ? VerificationStatus.CONFIRMED
              : VerificationStatus.REJECTED,
          decidedAt: new Date(),
          decidedByOrg: context.caller.org,
          reason: input.decision === VerificationDecision.REJECTED ? input.reason : null,
        },
      );
      return manager.getRepository(NationalityVerification).findOneByOrFail({ id });
    });
  }

  @Mutation(() => TravelDocument, {
    description:
      "Issues a travel document (embassy) to a person your country has confirmed as its national (else CONFLICT). Numbers are unique per country.",
  })
  async issueTravelDocument(
    @Arg("victimId", () => ID) victimId: string,
    @Arg("document", () => TravelDocumentInput) input: TravelDocumentInput,
    @Ctx() context: VictimAccessAskingContext,
  ): Promise<TravelDocument> {
    if (input.expiresOn <= input.issuedOn) throw invalidField("expiresOn", "must be after issuedOn");
    await requireVisibleVictim(context, victimId);
    const country = context.caller.country!;
    return auditedTransaction(context, async (manager) => {
      const latest = await manager
        .getRepository(NationalityVerification)
        .findOne({ where: { victimId, country }, order: { requestedAt: "DESC" } });
      if (latest?.status !== VerificationStatus.CONFIRMED) {
        throw hubError(
          ErrorCode.CONFLICT,
          "Your embassy has not confirmed this person as a national; confirm the nationality first",
        );
      }
      const clash = () => hubError(ErrorCode.CONFLICT, "Your country has already issued a document with this number");
      // The unique index holds hashes under the current matching key; while a rotation is under
      // way older rows still carry an older key's hash, so those are looked up first.
      const sameNumber: unknown[] = await manager.query(
        `SELECT 1 FROM travel_document WHERE issuing_country = $1 AND number_hash = ANY($2::text[]) LIMIT 1`,
        [country, TRAVEL_DOCUMENT_NUMBER_MATCH.candidates(input.number)],
      );
      if (sameNumber.length > 0) throw clash();
      const id = await insertUnlessClash(
        manager,
        TravelDocument,
        {
          victimId,
          issuingCountry: country,
          kind: input.kind,
          number: input.number,
          numberHash: TRAVEL_DOCUMENT_NUMBER_MATCH.hash(input.number),
          issuedOn: input.issuedOn,
          expiresOn: input.expiresOn,
          status: TravelDocumentStatus.VALID,
          issuedByOrg: context.caller.org,
          revokedAt: null,
          revokedByOrg: null,
        },
        "travel_document_number_hash_unique",
        clash,
      );
      return manager.getRepository(TravelDocument).findOneByOrFail({ id });
    });
  }

  @Mutation(() => TravelDocument, {
    description:
      "Revokes a travel document your country issued (embassy), e.g. lost or issued in error. A revoked document stays revoked.",
  })
  async revokeTravelDocument(
    @Arg("id", () => ID) id: string,
    @Ctx() context: VictimAccessAskingContext,
  ): Promise<TravelDocument> {
    await ownCountryRecord(context, TravelDocument, id, "Mutation.revokeTravelDocument");
    return auditedTransaction(context, async (manager) => {
      const document = await lockedAgain(manager, TravelDocument, id);
      if (document.status === TravelDocumentStatus.REVOKED) {
        throw hubError(ErrorCode.INVALID_TRANSITION, "The document is already revoked", {
          currentState: document.status,
          allowedTransitions: [],
        });
      }
      await manager.update(
        TravelDocument,
        { id },
        { status: TravelDocumentStatus.REVOKED, revokedAt: new Date(), revokedByOrg: context.caller.org },
      );
      return manager.getRepository(TravelDocument).findOneByOrFail({ id });
    });
  }
}
