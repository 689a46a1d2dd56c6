/**
 * The demo release, generated deterministically: ~260 people handed to border
 * authorities on one day from scam compounds, from 19 countries, 258 formally
 * identified under the NRM, the rest still in screening (DESIGN.md). All names are
 * obviously fictional. Each subgraph's `seed.ts` loads the part it owns, so the ids
 * agree across the four databases.
 */
import { SeededRandom } from "./random";

export const RELEASE_DAY = new Date("2026-02-20T06:00:00Z");
export const RELEASE_SIZE = 260;
export const IDENTIFIED_COUNT = 258;

/** Country, people in the release, main languages, capital for journeys home. */
export const ORIGIN_COUNTRIES: ReadonlyArray<{
  code: string;
  name: string;
  people: number;
  languages: string[];
  capital: string;
}> = [
  { code: "PH", name: "Philippines", people: 48, languages: ["tl", "en"], capital: "Manila" },
  { code: "CN", name: "China", people: 36, languages: ["zh"], capital: "Beijing" },
  { code: "LA", name: "Laos", people: 22, languages: ["lo"], capital: "Vientiane" },
  { code: "KH", name: "Cambodia", people: 20, languages: ["km"], capital: "Phnom Penh" },
  { code: "VN", name: "Viet Nam", people: 20, languages: ["vi"], capital: "Hanoi" },
  { code: "ID", name: "Indonesia", people: 18, languages: ["id"], capital: "Jakarta" },
  { code: "LK", name: "Sri Lanka", people: 14, languages: ["si", "ta"], capital: "Colombo" },
  { code: "NP", name: "Nepal", people: 12, languages: ["ne"], capital: "Kathmandu" },
  { code: "BD", name: "Bangladesh", people: 12, languages: ["bn"], capital: "Dhaka" },
  { code: "IN", name: "India", people: 11, languages: ["hi", "en"], capital: "New Delhi" },
  { code: "KE", name: "Kenya", people: 10, languages: ["sw", "en"], capital: "Nairobi" },
  { code: "PK", name: "Pakistan", people: 9, languages: ["ur"], capital: "Islamabad" },
  { code: "ET", name: "Ethiopia", people: 8, languages: ["am"], capital: "Addis Ababa" },
  { code: "TW", name: "Taiwan", people: 6, languages: ["zh"], capital: "Taipei" },
  { code: "UG", name: "Uganda", people: 5, languages: ["en", "lg"], capital: "Kampala" },
  { code: "NG", name: "Nigeria", people: 4, languages: ["en", "yo"], capital: "Abuja" },
  { code: "MY", name: "Malaysia", people: 2, languages: ["ms"], capital: "Kuala Lumpur" },
  { code: "BR", name: "Brazil", people: 2, languages: ["pt"], capital: "Brasilia" },
  { code: "KR", name: "South Korea", people: 1, languages: ["ko"], capital: "Seoul" },
];

export const DEMO_SHELTERS: ReadonlyArray<{
  id: string;
  name: string;
  region: string;
  town: string;
  capacity: number;
  services: string[];
  languages: string[];
}> = [
  {
    id: "shelter-maesot-1",
    name: "Mae Sot Safe House (demo)",
    region: "Tak",
    town: "Mae Sot",
    capacity: 60,
    services: ["medical", "psychosocial", "legal", "translation"],
    languages: ["en", "th", "my", "zh"],
  },
  {
    id: "shelter-maesot-2",
    name: "Riverside Women's Shelter (demo)",
    region: "Tak",
    town: "Mae Sot",
    capacity: 40,
    services: ["psychosocial", "childcare", "translation"],
    languages: ["en", "th", "tl"],
  },
  {
    id: "shelter-tak-1",
    name: "Tak Provincial Welfare Home (demo)",
    region: "Tak",
    town: "Tak",
    capacity: 50,
    services: ["medical", "legal"],
    languages: ["th", "en"],
  },
  {
    id: "shelter-phopphra-1",
    name: "Phop Phra Transit Centre (demo)",
    region: "Tak",
    town: "Phop Phra",
    capacity: 30,
    services: ["medical", "translation"],
    languages: ["th", "my", "lo", "km"],
  },
  {
    id: "shelter-umphang-1",
    name: "Umphang Hill Shelter (demo)",
    region: "Tak",
    town: "Umphang",
    capacity: 20,
    services: ["psychosocial"],
    languages: ["th", "en"],
  },
  {
    id: "shelter-maeramat-1",
    name: "Mae Ramat Youth Shelter (demo)",
    region: "Tak",
    town: "Mae Ramat",
    capacity: 25,
    services: ["childcare", "education", "psychosocial"],
    languages: ["th", "en", "vi"],
  },
];

export const DEMO_NGOS = ["ngo-lighthouse", "ngo-harbour"] as const;
export const REPATRIATION_AGENCY = "repatriation-agency";

export const REPATRIATION_STATES = [
  "REQUESTED",
  "DOCUMENTS_PENDING",
  "READY",
  "TRAVEL_BOOKED",
  "DEPARTED",
  "ARRIVED",
  "CANCELLED",
] as const;
export type DemoRepatriationState = (typeof REPATRIATION_STATES)[number];

export interface DemoPerson {
  id: string;
  caseNumber: string;
  nationality: string;
  gender: "FEMALE" | "MALE" | "NON_BINARY" | "UNDISCLOSED";
  ageBracket: "UNDER_14" | "AGE_14_17" | "AGE_18_25" | "AGE_26_35" | "AGE_36_50" | "OVER_50";
  preferredName: string;
  legalName: string;
  dateOfBirth: string;
  identityDocumentNumber: string | null;
  languages: string[];
  nrmStatus: "SCREENING" | "IDENTIFIED";
  identifiedAt: Date | null;
  rescueLocation: string;
  rescuedAt: Date;
  medicalNeeds: string | null;
  psychosocialNeeds: string | null;
  requiresMedicalEscort: boolean;
  testimony: string;
  familyContact: string | null;
  ownerOrg: string;
  consents: { consularContact: boolean; repatriation: boolean; shelterSharing: boolean };
  /** Where the person sleeps (a shelter id), if placed. */
  shelterId: string | null;
  placedAt: Date | null;
  verification: { status: "REQUESTED" | "CONFIRMED" | "REJECTED"; requestedAt: Date; decidedAt: Date | null } | null;
  travelDocument: {
    kind: "EMERGENCY_TRAVEL_CERTIFICATE" | "PASSPORT";
    number: string;
    issuedOn: string;
    expiresOn: string;
  } | null;
  repatriation: { id: string; state: DemoRepatriationState; requestedAt: Date; escortRequired: boolean } | null;
}

const FIRST_NAMES = [
  "Ari",
  "Bela",
  "Cato",
  "Dara",
  "Eli",
  "Fen",
  "Gale",
  "Hana",
  "Ilo",
  "Juno",
  "Kai",
  "Lumi",
  "Mika",
  "Noor",
  "Oren",
  "Pia",
  "Quin",
  "Rae",
  "Sol",
  "Tam",
  "Uma",
  "Vin",
  "Wren",
  "Yara",
  "Zed",
];
const GENDERS: DemoPerson["gender"][] = ["MALE", "MALE", "MALE", "FEMALE", "FEMALE", "NON_BINARY", "UNDISCLOSED"];
const AGES: DemoPerson["ageBracket"][] = [
  "AGE_18_25",
  "AGE_18_25",
  "AGE_26_35",
  "AGE_26_35",
  "AGE_26_35",
  "AGE_36_50",
  "AGE_14_17",
  "OVER_50",
];
const MEDICAL = [
  null,
  null,
  "Untreated infection, needs antibiotics",
  "Malnutrition",
  "Injury to left arm",
  "Diabetes, needs insulin",
];
const PSYCHOSOCIAL = [
  null,
  "Severe anxiety, sleep problems",
  "Trauma counselling recommended",
  "Grief; lost contact with family",
];

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Builds the release. Same output on every call and every machine. */
export function generateRelease(seed = 20260220): DemoPerson[] {
  const random = new SeededRandom(seed);
  const people: DemoPerson[] = [];
  const shelterLoad = new Map<string, number>(DEMO_SHELTERS.map((shelter) => [shelter.id, 0]));
  let serial = 0;
  for (const country of ORIGIN_COUNTRIES) {
    for (let n = 0; n < country.people; n += 1) {
      serial += 1;
      const first = random.pick(FIRST_NAMES);
      const rescuedAt = addDays(RELEASE_DAY, 0);
      // The last two registered stay in screening: 258 of 260 identified.
      const identified = serial <= IDENTIFIED_COUNT;
      const identifiedAt = identified ? addDays(rescuedAt, random.int(1, 6)) : null;
      const consents = {
        consularContact: random.chance(0.85),
        repatriation: random.chance(0.75),
        shelterSharing: random.chance(0.9),
      };
      let shelterId: string | null = null;
      if (consents.shelterSharing) {
        const candidates = DEMO_SHELTERS.filter((shelter) => (shelterLoad.get(shelter.id) ?? 0) < shelter.capacity - 2);
        if (candidates.length > 0) {
          shelterId = random.pick(candidates).id;
          shelterLoad.set(shelterId, (shelterLoad.get(shelterId) ?? 0) + 1);
        }
      }
      const verification =
        consents.consularContact && random.chance(0.7)
          ? (() => {
              const requestedAt = addDays(rescuedAt, random.int(2, 5));
              const roll = random.next();
              const status = roll < 0.7 ? "CONFIRMED" : roll < 0.8 ? "REJECTED" : "REQUESTED";
              return {
                status,
                requestedAt,
                decidedAt: status === "REQUESTED" ? null : addDays(requestedAt, random.int(1, 4)),
              } as const;
            })()
          : null;
      const travelDocument =
        verification?.status === "CONFIRMED" && random.chance(0.75)
          ? (() => {
              const issued = addDays(verification.decidedAt ?? rescuedAt, random.int(1, 3));
              return {
                kind: random.chance(0.85) ? "EMERGENCY_TRAVEL_CERTIFICATE" : "PASSPORT",
                number: `${country.code}-ETC-${String(100000 + serial * 37).slice(-6)}`,
                issuedOn: isoDate(issued),
                expiresOn: isoDate(addDays(issued, 90)),
              } as const;
            })()
          : null;
      const repatriation =
        consents.repatriation && identified && random.chance(0.8)
          ? {
              id: random.uuid(),
              state: travelDocument
                ? random.pick(REPATRIATION_STATES)
                : random.pick(["REQUESTED", "DOCUMENTS_PENDING", "CANCELLED"] as const),
              requestedAt: addDays(rescuedAt, random.int(3, 8)),
              escortRequired: random.chance(0.15),
            }
          : null;
      const medicalNeeds = random.pick(MEDICAL);
      people.push({
        id: random.uuid(),
        caseNumber: `MS-2026-${String(serial).padStart(4, "0")}`,
        nationality: country.code,
        gender: random.pick(GENDERS),
        ageBracket: random.pick(AGES),
        preferredName: first,
        legalName: `${first} Demo-${String(serial).padStart(3, "0")}`,
        dateOfBirth: isoDate(new Date(Date.UTC(random.int(1970, 2008), random.int(0, 11), random.int(1, 28)))),
        identityDocumentNumber: random.chance(0.4) ? `${country.code}${random.int(1000000, 9999999)}` : null,
        languages: country.languages,
        nrmStatus: identified ? "IDENTIFIED" : "SCREENING",
        identifiedAt,
        rescueLocation: `Border crossing ${random.int(1, 3)}, Mae Sot district (demo)`,
        rescuedAt,
        medicalNeeds,
        psychosocialNeeds: random.pick(PSYCHOSOCIAL),
        requiresMedicalEscort: medicalNeeds !== null && random.chance(0.3),
        testimony: `Demo testimony ${serial}: recruited online with a false job offer, held in a compound (fictional).`,
        familyContact: random.chance(0.6)
          ? `Relative in ${country.capital}, +00 555 ${random.int(1000, 9999)} (fictional)`
          : null,
        ownerOrg: random.chance(0.6) ? DEMO_NGOS[0] : DEMO_NGOS[1],
        consents,
        shelterId,
        placedAt: shelterId ? addDays(rescuedAt, random.int(0, 2)) : null,
        verification,
        travelDocument,
        repatriation,
      });
    }
  }
  return people;
}
