/** Demo data of the victims subgraph: the cases, their consents and referrals. */
import type { DataSource } from "typeorm";
import { generateRelease, REPATRIATION_AGENCY } from "../../demo/release";
import type { DemoData } from "../../platform/subgraph-server";
import { Consent } from "./entities/consent";
import { AgeBracket, ConsentKind, Gender, NrmStatus, ReferralRole, ReferralStatus } from "./entities/enums";
import { Referral } from "./entities/referral";
import { IDENTITY_DOCUMENT_MATCH, Victim } from "./entities/victim";

export const victimsDemoData: DemoData = {
  async isEmpty(db: DataSource) {
    return (await db.getRepository(Victim).count()) === 0;
  },

  async load(db: DataSource) {
    const people = generateRelease();
    await db.transaction(async (manager) => {
      // `npm run seed` reloads: start from empty tables.
      await manager.query(
        "TRUNCATE erasure_delivery, erasure_request, legal_hold, referral, consent, victim, erasure_log",
      );
      await manager.insert(
        Victim,
        people.map((person) => ({
          id: person.id,
          caseNumber: person.caseNumber,
          nationality: person.nationality,
          gender: person.gender as Gender,
          ageBracket: person.ageBracket as AgeBracket,
          preferredName: person.preferredName,
          languages: person.languages,
          legalName: person.legalName,
          dateOfBirth: person.dateOfBirth,
          identityDocumentNumber: person.identityDocumentNumber,
          identityDocumentHash: IDENTITY_DOCUMENT_MATCH.hashNullable(person.identityDocumentNumber),
          nrmStatus: person.nrmStatus as NrmStatus,
          identifiedAt: person.identifiedAt,
          nrmDecidedBy: person.nrmStatus === NrmStatus.SCREENING ? null : "Tak provincial MDT (demo)",
          rescueLocation: person.rescueLocation,
          rescuedAt: person.rescuedAt,
          medicalNeeds: person.medicalNeeds,
          psychosocialNeeds: person.psychosocialNeeds,
          requiresMedicalEscort: person.requiresMedicalEscort,
          testimony: person.testimony,
          familyContact: person.familyContact,
          ownerOrg: person.ownerOrg,
        })),
      );
      const recordedBy = (person: (typeof people)[number]) => ({
        recordedByOrg: person.ownerOrg,
        // Every demo case is owned by an NGO (demo/release.ts DEMO_NGOS), whose case worker recorded the consents.
        recordedByRole: "ngo",
        recordedBy: `${person.ownerOrg}-user`,
        recordedAt: person.rescuedAt,
      });
      await manager.insert(
        Consent,
        people.flatMap((person) => [
          {
            victimId: person.id,
            kind: ConsentKind.CONSULAR_CONTACT,
            granted: person.consents.consularContact,
            ...recordedBy(person),
          },
          {
            victimId: person.id,
            kind: ConsentKind.REPATRIATION,
            granted: person.consents.repatriation,
            ...recordedBy(person),
          },
          {
            victimId: person.id,
            kind: ConsentKind.SHELTER_SHARING,
            granted: person.consents.shelterSharing,
            ...recordedBy(person),
          },
        ]),
      );
      const referral = (
        person: (typeof people)[number],
        toOrg: string,
        toRole: ReferralRole,
        purpose: string,
        at: Date,
      ) => ({
        victimId: person.id,
        toOrg,
        toRole,
        purpose,
        status: ReferralStatus.ACCEPTED,
        createdByOrg: person.ownerOrg,
        createdAt: at,
        decidedAt: at,
      });
      await manager.insert(Referral, [
        ...people
          .filter((p) => p.shelterId)
          .map((p) => referral(p, p.shelterId!, ReferralRole.SHELTER, "shelter placement", p.placedAt!)),
        ...people
          .filter((p) => p.repatriation)
          .map((p) =>
            referral(p, REPATRIATION_AGENCY, ReferralRole.REPATRIATION, "repatriation", p.repatriation!.requestedAt),
          ),
      ]);
      // Registrations after the demo release continue the case-number series.
      await manager.query(`SELECT setval('victim_case_number_seq', $1)`, [people.length]);
    });
  },
};
