import { registerEnumType } from "type-graphql";

export enum VerificationStatus {
  REQUESTED = "REQUESTED",
  CONFIRMED = "CONFIRMED",
  REJECTED = "REJECTED",
}

export enum TravelDocumentKind {
  EMERGENCY_TRAVEL_CERTIFICATE = "EMERGENCY_TRAVEL_CERTIFICATE",
  PASSPORT = "PASSPORT",
}

export enum TravelDocumentStatus {
  VALID = "VALID",
  REVOKED = "REVOKED",
}

registerEnumType(VerificationStatus, { name: "VerificationStatus" });
registerEnumType(TravelDocumentKind, { name: "TravelDocumentKind" });
registerEnumType(TravelDocumentStatus, { name: "TravelDocumentStatus" });

/** What an embassy may decide on a verification request. */
export enum VerificationDecision {
  CONFIRMED = "CONFIRMED",
  REJECTED = "REJECTED",
}
registerEnumType(VerificationDecision, { name: "VerificationDecision" });
