import { Directive, Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";

@ObjectType({ description: "The consular post of one country of origin." })
@Directive('@key(fields: "id")')
@Entity({ name: "embassy" })
export class Embassy {
  @Field(() => ID, { description: "Also the embassy's organisation id in tokens, e.g. embassy-PH." })
  @PrimaryColumn({ type: "text" })
  id!: string;

  @Field({ description: "ISO 3166-1 alpha-2 of the state the embassy represents." })
  @Column({ type: "char", length: 2, unique: true })
  country!: string;

  @Field()
  @Column({ type: "text" })
  name!: string;

  @Field()
  @Column({ type: "text" })
  city!: string;
}
