/** Demo data of the repatriation subgraph: cases in every state, with journey legs. */
import type { DataSource } from "typeorm";
import { generateRelease, ORIGIN_COUNTRIES, REPATRIATION_AGENCY } from "../../demo/release";
import type { DemoData } from "../../platform/subgraph-server";
import { JourneyLeg } from "./entities/journey-leg";
import { TravelMode } from "./entities/enums";
import { RepatriationCase, RepatriationStatus as S } from "./entities/repatriation-case";
import { RepatriationTransition } from "./entities/repatriation-transition";

const BOOKED = new Set(["TRAVEL_BOOKED", "DEPARTED", "ARRIVED"]);
const FORWARD = [S.REQUESTED, S.DOCUMENTS_PENDING, S.READY, S.TRAVEL_BOOKED, S.DEPARTED, S.ARRIVED];

/** The steps that led a demo case to its state, one day apart, each by the party the state machine names. */
function demoHistory(
  caseId: string,
  state: S,
  requestedAt: Date,
  ownerOrg: string,
  country: string,
): Array<Partial<RepatriationTransition>> {
  const path = state === S.CANCELLED ? [S.REQUESTED, S.CANCELLED] : FORWARD.slice(0, FORWARD.indexOf(state) + 1);
  return path.map((toStatus, index) => {
    const [byOrg, byRole] =
      index === 0 || toStatus === S.CANCELLED
        ? [ownerOrg, "ngo"]
        : toStatus === S.ARRIVED
          ? [`embassy-${country}`, "embassy"]
          : [REPATRIATION_AGENCY, "repatriation"];
    return {
      caseId,
      fromStatus: index === 0 ? null : path[index - 1],
      toStatus,
      byOrg,
      byRole,
      bySub: `${byOrg}-user`,
      at: new Date(requestedAt.getTime() + index * 86_400_000),
    };
  });
}

export const repatriationDemoData: DemoData = {
  async isEmpty(db: DataSource) {
    return (await db.getRepository(RepatriationCase).count()) === 0;
  },

  async load(db: DataSource) {
    const people = generateRelease().filter((person) => person.repatriation);
    const capitals = new Map(ORIGIN_COUNTRIES.map((country) => [country.code, country.capital]));
    await db.transaction(async (manager) => {
      await manager.query("TRUNCATE repatriation_transition, journey_leg, repatriation_case, erasure_log");
      await manager.insert(
        RepatriationCase,
        people.map((person) => ({
          id: person.repatriation!.id,
          victimId: person.id,
          status: person.repatriation!.state as S,
          destinationCountry: person.nationality,
          receivingOrganisation: `Reception centre, ${capitals.get(person.nationality)} (demo)`,
          receivingOrgId: `ngo-reception-${person.nationality.toLowerCase()}`,
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
            {
              caseId: person.repatriation!.id,
              sequence: 1,
              mode: TravelMode.BUS,
              fromPlace: "Mae Sot",
              toPlace: "Bangkok",
              carrier: "Road transfer (demo)",
              departsAt: departs,
              arrivesAt: new Date(departs.getTime() + 8 * 3_600_000),
            },
            {
              caseId: person.repatriation!.id,
              sequence: 2,
              mode: TravelMode.FLIGHT,
              fromPlace: "Bangkok",
              toPlace: capitals.get(person.nationality) ?? "Capital",
              carrier: "Demo Air",
              departsAt: new Date(departs.getTime() + 24 * 3_600_000),
              arrivesAt: new Date(departs.getTime() + 30 * 3_600_000),
            },
          ];
        });
      if (legs.length > 0) await manager.insert(JourneyLeg, legs);
      await manager.insert(
        RepatriationTransition,
        people.flatMap((person) =>
          demoHistory(
            person.repatriation!.id,
            person.repatriation!.state as S,
            person.repatriation!.requestedAt,
            person.ownerOrg,
            person.nationality,
          ),
        ),
      );
    });
  },
};
