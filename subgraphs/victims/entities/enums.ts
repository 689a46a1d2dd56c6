import { registerEnumType } from "type-graphql";

export enum NrmStatus {
  SCREENING = "SCREENING",
  IDENTIFIED = "IDENTIFIED",
  NOT_IDENTIFIED = "NOT_IDENTIFIED",
}

export enum Gender {
  FEMALE = "FEMALE",
  MALE = "MALE",
  NON_BINARY = "NON_BINARY",
  UNDISCLOSED = "UNDISCLOSED",
}

/** Coarse age bands: enough to plan care, too coarse to identify a person. */
export enum AgeBracket {
  UNDER_14 = "UNDER_14",
  AGE_14_17 = "AGE_14_17",
  AGE_18_25 = "AGE_18_25",
  AGE_26_35 = "AGE_26_35",
  AGE_36_50 = "AGE_36_50",
  OVER_50 = "OVER_50",
}

export enum ConsentKind {
  CONSULAR_CONTACT = "CONSULAR_CONTACT",
  REPATRIATION = "REPATRIATION",
  SHELTER_SHARING = "SHELTER_SHARING",
}

export enum ReferralStatus {
  PENDING = "PENDING",
  ACCEPTED = "ACCEPTED",
  DECLINED = "DECLINED",
  REVOKED = "REVOKED",
}

/** The partner roles a case can be referred to. */
export enum ReferralRole {
  NGO = "ngo",
  SHELTER = "shelter",
  REPATRIATION = "repatriation",
}

/** The NRM decision government records; SCREENING is where every case starts. */
export enum NrmDecision {
  IDENTIFIED = "IDENTIFIED",
  NOT_IDENTIFIED = "NOT_IDENTIFIED",
}

registerEnumType(NrmStatus, {
  name: "NrmStatus",
  description: "Formal identification under the national referral mechanism.",
});
registerEnumType(Gender, { name: "Gender" });
registerEnumType(AgeBracket, { name: "AgeBracket" });
registerEnumType(ConsentKind, { name: "ConsentKind" });
registerEnumType(ReferralStatus, { name: "ReferralStatus" });
registerEnumType(ReferralRole, { name: "ReferralRole" });
registerEnumType(NrmDecision, { name: "NrmDecision" });
