/**
 * The shelter a person stays in must not tell an erasure from an ordinary end of sharing,
 * although once the case is erased it sees nothing of it (`Victim.erasedAt` is for the roles that see the case; the shelter stops seeing it).
 *
 * Withdrawing shelter-sharing consent and erasing both revoke the shelter's referral: the
 * resident then shows `victim: null` alike. But erasure coarsened the open stay's `placedAt`
 * to the day (docs/data-lifecycle.md, "What is erased"), so a resident's arrival time jumping
 * to midnight said "this person's data was erased" — that the survivor asked to be forgotten.
 * Erasure therefore coarsens only ended stays (subgraphs/shelters/erasure.ts): an open stay,
 * which the shelter lists among its residents, keeps the times the shelter recorded itself.
 */
import { randomBytes } from "node:crypto";
import { consent, register } from "../support/cases";
import { erasureProgress, REQUEST_ERASURE, until } from "../support/erasure";
import { asPersona, PERSONAS } from "../support/hub";

const owner = { role: "ngo", org: `ngo-stay-seen-${process.pid}` } as const;
const shelterId = `shelter-stay-seen-${process.pid}-${randomBytes(3).toString("hex")}`;
const shelter = { role: "shelter", org: shelterId, shelter: shelterId } as const;

async function placed(): Promise<{ victimId: string; stayId: string }> {
  const { id } = await register(owner);
  await consent(owner, id, "SHELTER_SHARING", true);
  const response = await asPersona(
    owner,
    `mutation ($victimId: ID!, $shelterId: ID!) { placeVictim(victimId: $victimId, shelterId: $shelterId) { id } }`,
    { victimId: id, shelterId },
  );
  expect(response.errors).toBeUndefined();
  return { victimId: id, stayId: (response.data as { placeVictim: { id: string } }).placeVictim.id };
}

/** What the shelter's staff read of one resident, its arrival reduced to "at midnight or not". */
async function residentAsSeen(placementId: string): Promise<unknown> {
  const response = await asPersona<{
    shelter: { residents: Array<{ id: string; placedAt: string; victim: { id: string } | null }> };
  }>(shelter, `query ($id: ID!) { shelter(id: $id) { residents { id placedAt victim { id } } } }`, { id: shelterId });
  expect(response.errors).toBeUndefined();
  const resident = response.data!.shelter.residents.find((stay) => stay.id === placementId)!;
  return { victim: resident.victim, arrivalAtMidnight: resident.placedAt.endsWith("T00:00:00.000Z") };
}

beforeAll(async () => {
  const opened = await asPersona(
    PERSONAS.government,
    `mutation ($shelter: OpenShelterInput!) { openShelter(shelter: $shelter) { id } }`,
    {
      shelter: { id: shelterId, name: "Stay Seen Shelter (fictional)", region: "Tak", town: "Test Town", capacity: 5 },
    },
  );
  expect(opened.errors).toBeUndefined();
});

test("the shelter sees a resident whose case was erased exactly as one whose sharing consent ended", async () => {
  const { victimId: withdrawn, stayId: withdrawnStay } = await placed();
  const { victimId: erased, stayId: erasedStay } = await placed();
  await consent(owner, withdrawn, "SHELTER_SHARING", false);
  expect(
    (await asPersona(owner, REQUEST_ERASURE, { victimId: erased, reason: "The survivor asked" })).errors,
  ).toBeUndefined();
  await until(
    "erasure complete",
    () => erasureProgress(asPersona, PERSONAS.government, erased),
    (progress) => progress?.status === "COMPLETE",
  );
  expect(await residentAsSeen(erasedStay)).toEqual(await residentAsSeen(withdrawnStay));
}, 60_000);
