/** Inputs of the NRM decision, consent and referral mutations. */
import { IsISO8601, Length, Matches } from "class-validator";
import { Field, InputType } from "type-graphql";
import { ConsentKind, NrmDecision, ReferralRole } from "../entities/enums";

@InputType({ description: "Government's decision under the national referral mechanism." })
export class NrmDecisionInput {
  @Field(() => NrmDecision)
  decision!: NrmDecision;

  @Field({ description: "YYYY-MM-DD" })
  @IsISO8601({ strict: true }, { message: "$property must be a date, YYYY-MM-DD" })
  decidedOn!: string;

  @Field({ description: "The multidisciplinary team that decided." })
  @Length(2, 200)
  decidingTeam!: string;
}

@InputType({ description: "The survivor's decision on one kind of sharing; false withdraws it at once." })
export class ConsentInput {
  @Field(() => ConsentKind)
  kind!: ConsentKind;

  @Field()
  granted!: boolean;
}

@InputType({ description: "Grants one partner organisation access to one case, for a stated purpose." })
export class ReferralInput {
  @Field({ description: "The receiving organisation's id, as in its tokens (e.g. shelter-maesot-1)." })
  @Matches(/^[a-z0-9][a-z0-9-]{1,62}$/, { message: "$property must be an organisation id: lower-case letters, digits and dashes" })
  toOrg!: string;

  @Field(() => ReferralRole, { description: "What kind of partner it is; only that role of that organisation gains access." })
  toRole!: ReferralRole;

  @Field()
  @Length(3, 500)
  purpose!: string;
}
