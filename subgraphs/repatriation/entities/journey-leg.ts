import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { TravelMode } from "./enums";
import type { RepatriationCase } from "./repatriation-case";

@ObjectType({ description: "One leg of a journey home." })
@Entity({ name: "journey_leg" })
export class JourneyLeg {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "case_id", type: "uuid" })
  caseId!: string;

  @ManyToOne("RepatriationCase", "journeyLegs", { onDelete: "CASCADE" })
  @JoinColumn({ name: "case_id" })
  repatriationCase?: RepatriationCase;

  @Field(() => Int, { description: "Order of the leg, from 1." })
  @Column({ type: "integer" })
  sequence!: number;

  @Field(() => TravelMode)
  @Column({ type: "text" })
  mode!: TravelMode;

  @Field()
  @Column({ name: "from_place", type: "text" })
  fromPlace!: string;

  @Field()
  @Column({ name: "to_place", type: "text" })
  toPlace!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  carrier!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: "departs_at", type: "timestamptz", nullable: true })
  departsAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: "arrives_at", type: "timestamptz", nullable: true })
  arrivesAt!: Date | null;
}
