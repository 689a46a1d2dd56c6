/** What a caller sends to register or update a case; validated before any resolver runs. */
import { ArrayMaxSize, Length, MaxLength } from "class-validator";
import { IsCountryCode, IsDateTime, IsDay, IsLanguageCodes } from "../../../platform/validation";
import { Field, InputType } from "type-graphql";
import { AgeBracket, Gender } from "../entities/enums";

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
  @IsLanguageCodes()
  languages?: string[] | null;

  @Field(() => String, { nullable: true })
  @Length(1, 300)
  legalName?: string | null;

  @Field(() => String, { nullable: true, description: "YYYY-MM-DD" })
  @IsDay()
  dateOfBirth?: string | null;

  @Field(() => String, { nullable: true })
  @Length(3, 60)
  identityDocumentNumber?: string | null;

  @Field(() => String, { nullable: true })
  @Length(1, 300)
  rescueLocation?: string | null;

  @Field(() => String, { nullable: true, description: "ISO 8601 date-time." })
  @IsDateTime()
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
  @IsCountryCode()
  nationality!: string;

  @Field(() => Gender)
  gender!: Gender;

  @Field(() => AgeBracket)
  ageBracket!: AgeBracket;
}

@InputType({ description: "Changes to a case; fields left out stay as they are." })
export class UpdateVictimInput extends CaseDetails {
  @Field(() => String, { nullable: true })
  @IsCountryCode()
  nationality?: string | null;

  @Field(() => Gender, { nullable: true })
  gender?: Gender | null;

  @Field(() => AgeBracket, { nullable: true })
  ageBracket?: AgeBracket | null;
}
