import { Directive, Field, ID, ObjectType } from "type-graphql";
import { RepatriationCase } from "./repatriation-case";

/** The repatriation subgraph's view of a victim: their journey home, if any. */
@ObjectType()
@Directive('@key(fields: "id")')
export class Victim {
  @Field(() => ID)
  id!: string;

  @Field(() => RepatriationCase, { nullable: true, description: "The open (or latest) repatriation case." })
  repatriation?: RepatriationCase | null;
}
