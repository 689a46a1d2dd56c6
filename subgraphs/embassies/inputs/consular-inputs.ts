/** What an embassy sends to decide a verification or issue a travel document. */
import { Length, Matches } from "class-validator";
import { Field, InputType } from "type-graphql";
import { IsDay } from "../../../platform/validation";
import { TravelDocumentKind, VerificationDecision } from "../entities/enums";

@InputType({ description: "An embassy's answer to a verification request." })
export class VerificationDecisionInput {
  @Field(() => VerificationDecision)
  decision!: VerificationDecision;

  @Field(() => String, { nullable: true, description: "Required when rejecting: why (no personal detail needed)." })
  @Length(3, 500)
  reason?: string | null;
}

@InputType({ description: "A travel document issued to a confirmed national." })
export class TravelDocumentInput {
  @Field(() => TravelDocumentKind)
  kind!: TravelDocumentKind;

  @Field({ description: "The document number as printed: capitals, digits and dashes." })
  @Matches(/^[A-Z0-9][A-Z0-9-]{3,29}$/, {
    message: "$property must be 4-30 capitals, digits and dashes, as printed on the document",
  })
  number!: string;

  @Field({ description: "YYYY-MM-DD" })
  @IsDay()
  issuedOn!: string;

  @Field({ description: "YYYY-MM-DD, after issuedOn" })
  @IsDay()
  expiresOn!: string;
}
