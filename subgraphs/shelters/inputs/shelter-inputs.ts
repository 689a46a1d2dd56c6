/** What a caller sends to open a shelter or change its beds, services and languages. */
import { ArrayMaxSize, Length, Matches, Max, Min } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { IsLanguageCodes } from "../../../platform/validation";

const SERVICE = /^[a-z][a-z-]{1,39}$/;
const serviceMessage = {
  each: true,
  message: "$property must be short lower-case words, e.g. medical, psychosocial, legal, translation",
};

@InputType({ description: "Services and languages of a shelter; fields left out stay as they are." })
class ShelterOffer {
  @Field(() => [String], { nullable: true, description: "e.g. medical, psychosocial, legal, translation, childcare" })
  @ArrayMaxSize(30)
  @Matches(SERVICE, serviceMessage)
  services?: string[] | null;

  @Field(() => [String], { nullable: true, description: "ISO 639-1 codes of the languages staff speak." })
  @ArrayMaxSize(30)
  @IsLanguageCodes()
  languages?: string[] | null;
}

@InputType({ description: "A new shelter joining the hub (government)." })
export class OpenShelterInput extends ShelterOffer {
  @Field({ description: "The shelter's organisation id, as in its staff's tokens: shelter-<town>-<n>." })
  @Matches(/^shelter-[a-z0-9-]{2,60}$/, {
    message: "$property must look like shelter-<town>-<n>: lower-case letters, digits and dashes",
  })
  id!: string;

  @Field()
  @Length(3, 200)
  name!: string;

  @Field()
  @Length(2, 100)
  region!: string;

  @Field()
  @Length(2, 100)
  town!: string;

  @Field(() => Int)
  @Min(0)
  @Max(10_000)
  capacity!: number;
}

@InputType({ description: "Changes to a shelter's beds, services or languages." })
export class UpdateShelterInput extends ShelterOffer {
  @Field(() => Int, { nullable: true, description: "Beds in total; never below the people staying there now." })
  @Min(0)
  @Max(10_000)
  capacity?: number | null;
}
