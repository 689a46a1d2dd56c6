/** Who is calling: the claims the hub reads from a verified token (see DESIGN.md). */
export const ROLES = ["government", "ngo", "shelter", "embassy", "repatriation", "auditor"] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  /** The person (user id). */
  sub: string;
  /** The organisation's id, e.g. `ngo-lighthouse`, `embassy-PH`, `shelter-maesot-1`. */
  org: string;
  role: Role;
  /** Embassies only: ISO 3166-1 alpha-2 of the state the embassy represents. */
  country?: string;
  /** Shelter staff only: the shelter's id. */
  shelter?: string;
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
