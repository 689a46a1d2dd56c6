/** What a caller sends to open a repatriation case or plan a leg of the journey. */
import { Length, MaxLength } from "class-validator";
import { Field, InputType } from "type-graphql";
import { IsDateTime, IsOrganisationId } from "../../../platform/validation";
import { TravelMode } from "../entities/enums";

@InputType({
  description:
    "A request to take a survivor home. Destination, case owner and medical escort need come from the victims subgraph.",
})
export class RepatriationRequestInput {
  @Field({ description: "Who receives the person on arrival, e.g. a reception centre." })
  @Length(3, 200)
  receivingOrganisation!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "The receiving organisation's hub id, if it takes part (it may then see the case and confirm arrival).",
  })
  @IsOrganisationId()
  receivingOrgId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "What an escort must provide, if anyone is needed beyond a medical escort.",
  })
  @MaxLength(1000)
  escortNeeds?: string | null;
}

@InputType({ description: "One leg of the journey home." })
export class JourneyLegInput {
  @Field(() => TravelMode)
  mode!: TravelMode;

  @Field()
  @Length(2, 200)
  fromPlace!: string;

  @Field()
  @Length(2, 200)
  toPlace!: string;

  @Field(() => String, { nullable: true, description: "Airline, bus company, flight number." })
  @Length(2, 200)
  carrier?: string | null;

  @Field({ description: "ISO 8601 date-time." })
  @IsDateTime()
  departsAt!: string;

  @Field(() => String, { nullable: true, description: "ISO 8601 date-time, after departsAt." })
  @IsDateTime()
  arrivesAt?: string | null;
}
