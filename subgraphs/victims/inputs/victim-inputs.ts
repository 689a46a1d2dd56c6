/** What a caller sends to register or update a case; validated before any resolver runs. */
import { ArrayMaxSize, IsISO8601, Length, Matches, MaxLength } from "class-validator";
import { Field, InputType } from "type-graphql";
import { AgeBracket, Gender } from "../entities/enums";

export const COUNTRY_CODE = /^[A-Z]{2}$/;
const LANGUAGE_CODE = /^[a-z]{2}$/;
const countryMessage = { message: "$property must be an ISO 3166-1 alpha-2 country code in capitals, e.g. PH" };
const dateMessage = { message: "$property must be a date, YYYY-MM-DD" };
const LONG_TEXT = 20_000;

/** Fields a case worker may set at registration and change later (inherited by both inputs). */
// type-graphql inherits input fields only from a registered input type.
@InputType("CaseDetailsInput", { description: "Case details shared by registration and update." })
class CaseDetails {
  @Field(() => String, { nullable: true })
  @Length(1, 200)
  preferredName?: string | null;

  @Field(() => [String], { nullable: true, description: "ISO 639-1 codes." })
  @ArrayMaxSize(20)
  @Matches(LANGUAGE_CODE, { each: true, message: "languages must be ISO 639-1 codes, e.g. tl" })
  languages?: string[] | null;

  @Field(() => String, { nullable: true })
  @Length(1, 300)
  legalName?: string | null;

  @Field(() => String, { nullable: true, description: "YYYY-MM-DD" })
  @IsISO8601({ strict: true }, dateMessage)
  dateOfBirth?: string | null;

  @Field(() => String, { nullable: true })
  @Length(3, 60)
  identityDocumentNumber?: string | null;

  @Field(() => String, { nullable: true })
  @Length(1, 300)
  rescueLocation?: string | null;

  @Field(() => String, { nullable: true, description: "ISO 8601 date-time." })
  @IsISO8601({ strict: true }, { message: "$property must be an ISO 8601 date-time" })
  rescuedAt?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(LONG_TEXT)
  medicalNeeds?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(LONG_TEXT)
  psychosocialNeeds?: string | null;

  @Field(() => Boolean, { nullable: true })
  requiresMedicalEscort?: boolean | null;

  @Field(() => String, { nullable: true })
  @MaxLength(LONG_TEXT)
  testimony?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(2000)
  familyContact?: string | null;
}

@InputType({ description: "A person to register. The registering organisation becomes the case owner." })
export class RegisterVictimInput extends CaseDetails {
  @Field({ description: "ISO 3166-1 alpha-2 (claimed until the embassy verifies it)." })
  @Matches(COUNTRY_CODE, countryMessage)
  nationality!: string;

  @Field(() => Gender)
  gender!: Gender;

  @Field(() => AgeBracket)
  ageBracket!: AgeBracket;
}

@InputType({ description: "Changes to a case; fields left out stay as they are." })
export class UpdateVictimInput extends CaseDetails {
  @Field(() => String, { nullable: true })
  @Matches(COUNTRY_CODE, countryMessage)
  nationality?: string | null;

  @Field(() => Gender, { nullable: true })
  gender?: Gender | null;

  @Field(() => AgeBracket, { nullable: true })
  ageBracket?: AgeBracket | null;
}
