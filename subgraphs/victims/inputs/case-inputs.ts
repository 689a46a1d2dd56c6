/** Inputs of the NRM decision, consent and referral mutations. */
import { Length } from "class-validator";
import { IsDay, IsOrganisationId } from "../../../platform/validation";
import { Field, InputType } from "type-graphql";
import { ConsentKind, NrmDecision, ReferralRole } from "../entities/enums";

@InputType({ description: "Government's decision under the national referral mechanism." })
export class NrmDecisionInput {
  @Field(() => NrmDecision)
  decision!: NrmDecision;

  @Field({ description: "YYYY-MM-DD" })
  @IsDay()
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
  @IsOrganisationId()
  toOrg!: string;

  @Field(() => ReferralRole, {
    description: "What kind of partner it is; only that role of that organisation gains access.",
  })
  toRole!: ReferralRole;

  @Field()
  @Length(3, 500)
  purpose!: string;
}
