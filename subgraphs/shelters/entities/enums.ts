import { registerEnumType } from "type-graphql";

/** Why a stay ended. A closed list on purpose: free text here would invite personal detail. */
export enum PlacementEndReason {
  TRANSFERRED = "TRANSFERRED",
  REPATRIATED = "REPATRIATED",
  MOVED_TO_OTHER_CARE = "MOVED_TO_OTHER_CARE",
  LEFT_VOLUNTARILY = "LEFT_VOLUNTARILY",
  OTHER = "OTHER",
}

/** The reasons a caller may give to `dischargeVictim` (a transfer is recorded by `transferVictim`). */
export enum DischargeReason {
  REPATRIATED = "REPATRIATED",
  MOVED_TO_OTHER_CARE = "MOVED_TO_OTHER_CARE",
  LEFT_VOLUNTARILY = "LEFT_VOLUNTARILY",
  OTHER = "OTHER",
}

registerEnumType(PlacementEndReason, { name: "PlacementEndReason" });
registerEnumType(DischargeReason, { name: "DischargeReason" });
