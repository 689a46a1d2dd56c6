/** Demo data of the repatriation subgraph: cases in every state, with journey legs. */
import type { DataSource } from "typeorm";
import { generateRelease, ORIGIN_COUNTRIES } from "../../shared/demo/release";
import type { DemoData } from "../../shared/subgraph-server";
import { JourneyLeg } from "./entities/journey-leg";
import { RepatriationCase, RepatriationStatus } from "./entities/repatriation-case";

const BOOKED = new Set(["TRAVEL_BOOKED", "DEPARTED", "ARRIVED"]);

export const repatriationDemoData: DemoData = {
  async isEmpty(db: DataSource) {
    return (await db.getRepository(RepatriationCase).count()) === 0;
  },

  async load(db: DataSource) {
    const people = generateRelease().filter((person) => person.repatriation);
    const capitals = new Map(ORIGIN_COUNTRIES.map((country) => [country.code, country.capital]));
    await db.transaction(async (manager) => {
      await manager.query("TRUNCATE journey_leg, repatriation_case");
      await manager.insert(
        RepatriationCase,
        people.map((person) => ({
          id: person.repatriation!.id,
          victimId: person.id,
          status: person.repatriation!.state as RepatriationStatus,
          destinationCountry: person.nationality,
          receivingOrganisation: `Reception centre, ${capitals.get(person.nationality)} (demo)`,
          escortRequired: person.repatriation!.escortRequired || person.requiresMedicalEscort,
          escortNeeds: person.requiresMedicalEscort ? "Medical escort; carries prescribed medication" : null,
          caseOwnerOrg: person.ownerOrg,
          requestedAt: person.repatriation!.requestedAt,
        })),
      );
      const legs = people
        .filter((person) => BOOKED.has(person.repatriation!.state))
        .flatMap((person) => {
          const departs = new Date(person.repatriation!.requestedAt.getTime() + 10 * 86_400_000);
          return [
            { caseId: person.repatriation!.id, sequence: 1, fromPlace: "Mae Sot", toPlace: "Bangkok", carrier: "Road transfer (demo)", departsAt: departs, arrivesAt: new Date(departs.getTime() + 8 * 3_600_000) },
            { caseId: person.repatriation!.id, sequence: 2, fromPlace: "Bangkok", toPlace: capitals.get(person.nationality) ?? "Capital", carrier: "Demo Air", departsAt: new Date(departs.getTime() + 24 * 3_600_000), arrivesAt: new Date(departs.getTime() + 30 * 3_600_000) },
          ];
        });
      if (legs.length > 0) await manager.insert(JourneyLeg, legs);
    });
  },
};
