/** The demo personas `npm start` prints a token for (DESIGN.md, "Who uses it"). */
import type { DevTokenRequest } from "./auth/tokens";

export const DEMO_PERSONAS: ReadonlyArray<{ label: string; request: DevTokenRequest }> = [
  { label: "government (multidisciplinary team)", request: { role: "government", org: "gov-mdt" } },
  { label: "NGO case worker (ngo-lighthouse)", request: { role: "ngo", org: "ngo-lighthouse" } },
  {
    label: "shelter staff (shelter-maesot-1)",
    request: { role: "shelter", org: "shelter-maesot-1", shelter: "shelter-maesot-1" },
  },
  { label: "Philippine embassy", request: { role: "embassy", org: "embassy-PH", country: "PH" } },
  { label: "Kenyan embassy", request: { role: "embassy", org: "embassy-KE", country: "KE" } },
  { label: "repatriation agency", request: { role: "repatriation", org: "repatriation-agency" } },
  { label: "auditor (oversight body)", request: { role: "auditor", org: "oversight-board" } },
];
