/**
 * The demo personas (DESIGN.md, "Who uses it"): the one list `npm start` prints a token
 * for, the tests ask as and the benchmark measures with.
 */
import type { DevTokenRequest } from "../platform/auth/tokens";

export const PERSONAS = {
  government: { role: "government", org: "gov-mdt" },
  ngo: { role: "ngo", org: "ngo-lighthouse" },
  otherNgo: { role: "ngo", org: "ngo-harbour" },
  shelter: { role: "shelter", org: "shelter-maesot-1", shelter: "shelter-maesot-1" },
  embassyPH: { role: "embassy", org: "embassy-PH", country: "PH" },
  embassyKE: { role: "embassy", org: "embassy-KE", country: "KE" },
  repatriation: { role: "repatriation", org: "repatriation-agency" },
  auditor: { role: "auditor", org: "oversight-board" },
} as const satisfies Record<string, DevTokenRequest>;

/** `name`: the persona's key in PERSONAS (its variable in npm start's tokens file, scripts/start-summary.ts). */
export const DEMO_PERSONAS: ReadonlyArray<{ name: keyof typeof PERSONAS; label: string; request: DevTokenRequest }> = [
  { name: "government", label: "government (multidisciplinary team)", request: PERSONAS.government },
  { name: "ngo", label: "NGO case worker (ngo-lighthouse)", request: PERSONAS.ngo },
  { name: "shelter", label: "shelter staff (shelter-maesot-1)", request: PERSONAS.shelter },
  { name: "embassyPH", label: "Philippine embassy", request: PERSONAS.embassyPH },
  { name: "embassyKE", label: "Kenyan embassy", request: PERSONAS.embassyKE },
  { name: "repatriation", label: "repatriation agency", request: PERSONAS.repatriation },
  { name: "auditor", label: "auditor (oversight body)", request: PERSONAS.auditor },
];
