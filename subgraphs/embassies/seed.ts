/** Demo data of the embassies subgraph: one embassy per country, verifications, documents. */
import type { DataSource } from "typeorm";
import { generateRelease, ORIGIN_COUNTRIES } from "../../demo/release";
import type { DemoData } from "../../platform/subgraph-server";
import { Embassy } from "./entities/embassy";
import { TravelDocumentKind, TravelDocumentStatus, VerificationStatus } from "./entities/enums";
import { NationalityVerification } from "./entities/nationality-verification";
import { TRAVEL_DOCUMENT_NUMBER_MATCH, TravelDocument } from "./entities/travel-document";

export const embassiesDemoData: DemoData = {
  async isEmpty(db: DataSource) {
    return (await db.getRepository(Embassy).count()) === 0;
  },

  async load(db: DataSource) {
    const people = generateRelease();
    await db.transaction(async (manager) => {
      await manager.query("TRUNCATE travel_document, nationality_verification, embassy, erasure_log");
      await manager.insert(
        Embassy,
        ORIGIN_COUNTRIES.map((country) => ({
          id: `embassy-${country.code}`,
          country: country.code,
          name: `Embassy of ${country.name} (demo)`,
          city: "Bangkok",
        })),
      );
      await manager.insert(
        NationalityVerification,
        people
          .filter((person) => person.verification)
          .map((person) => ({
            victimId: person.id,
            country: person.nationality,
            status: person.verification!.status as VerificationStatus,
            requestedAt: person.verification!.requestedAt,
            requestedByOrg: person.ownerOrg,
            decidedAt: person.verification!.decidedAt,
            decidedByOrg: person.verification!.decidedAt ? `embassy-${person.nationality}` : null,
            reason:
              person.verification!.status === "REJECTED" ? "No record of this person in the civil registry" : null,
          })),
      );
      await manager.insert(
        TravelDocument,
        people
          .filter((person) => person.travelDocument)
          .map((person) => ({
            victimId: person.id,
            issuingCountry: person.nationality,
            kind: person.travelDocument!.kind as TravelDocumentKind,
            number: person.travelDocument!.number,
            numberHash: TRAVEL_DOCUMENT_NUMBER_MATCH.hash(person.travelDocument!.number),
            issuedOn: person.travelDocument!.issuedOn,
            expiresOn: person.travelDocument!.expiresOn,
            status: TravelDocumentStatus.VALID,
            issuedByOrg: `embassy-${person.nationality}`,
          })),
      );
    });
  },
};
