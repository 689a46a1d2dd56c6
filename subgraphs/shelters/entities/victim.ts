import { Directive, Field, ID, ObjectType } from "type-graphql";
import { Placement } from "./placement";

/** The shelters subgraph's view of a victim: only where they stay. */
@ObjectType()
@Directive('@key(fields: "id")')
export class Victim {
  @Field(() => ID)
  id!: string;

  @Field(() => Placement, { nullable: true, description: "The open placement, if the person is in a shelter." })
  currentPlacement?: Placement | null;
}
