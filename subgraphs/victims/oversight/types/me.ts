/** GraphQL types of the `me` query: who the hub thinks you are and what you may see. */
import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "A field you may see, and any further condition on it." })
export class FieldAccess {
  @Field()
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: "A further condition for your role, in words (e.g. case owner only).",
  })
  condition?: string | null;
}

@ObjectType({ description: "One type of the hub's schema as the access policy opens it to you." })
export class TypeAccess {
  @Field()
  type!: string;

  @Field(() => [String], { description: "The subgraphs that serve fields of this type." })
  subgraphs!: string[];

  @Field({ description: "Which records of this type you see, in words." })
  records!: string;

  @Field(() => [FieldAccess], {
    description: "The fields you may see; any other field answers null with UNAUTHORIZED_FIELD_OR_TYPE.",
  })
  fields!: FieldAccess[];
}

@ObjectType({ description: "The caller, as read from the verified token, and the access policy that applies to them." })
export class Me {
  @Field({ description: "Your user id (the token's `sub`)." })
  sub!: string;

  @Field({ description: "Your organisation." })
  org!: string;

  @Field({ description: "Your role: government, ngo, shelter, embassy, repatriation or auditor." })
  role!: string;

  @Field(() => String, { nullable: true, description: "Embassies: the country you represent." })
  country?: string | null;

  @Field(() => String, { nullable: true, description: "Shelter staff: your shelter." })
  shelter?: string | null;

  @Field(() => [TypeAccess], { description: "Every type you may see something of, with its fields and record rule." })
  access!: TypeAccess[];
}
