import { Directive, Field, ID, ObjectType } from "type-graphql";
import { NationalityVerification } from "./nationality-verification";
import { TravelDocument } from "./travel-document";

/** The embassies subgraph's view of a victim: nationality decision and documents. */
@ObjectType()
@Directive('@key(fields: "id")')
export class Victim {
  @Field(() => ID)
  id!: string;

  @Field(() => NationalityVerification, { nullable: true, description: "The latest nationality verification." })
  nationalityVerification?: NationalityVerification | null;

  @Field(() => [TravelDocument], { nullable: true })
  travelDocuments?: TravelDocument[];
}
