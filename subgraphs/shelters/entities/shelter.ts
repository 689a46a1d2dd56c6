import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn, VersionColumn } from "typeorm";

@ObjectType({ description: "A shelter near the border: where it is, how many beds, what it offers." })
@Directive('@key(fields: "id")')
@Entity({ name: "shelter" })
export class Shelter {
  @Field(() => ID, { description: "Also the shelter's organisation id in tokens, e.g. shelter-maesot-1." })
  @PrimaryColumn({ type: "text" })
  id!: string;

  @Field()
  @Column({ type: "text" })
  name!: string;

  @Field({ description: "Province or region, for occupancy by region." })
  @Column({ type: "text" })
  region!: string;

  @Field()
  @Column({ type: "text" })
  town!: string;

  @Field(() => Int, { description: "Beds in total." })
  @Column({ type: "integer" })
  capacity!: number;

  /** Open stays, kept with every placement under the shelter's row lock (see beds.ts). */
  @Column({ name: "occupied_beds", type: "integer", default: 0 })
  occupiedBeds!: number;

  @Field(() => Int, { description: "Beds free now: capacity minus current placements." })
  get freeBeds(): number {
    return Math.max(0, this.capacity - (this.occupiedBeds ?? 0));
  }

  @Field(() => [String], { description: "Services offered, e.g. medical, psychosocial, legal, translation." })
  @Column({ type: "text", array: true, default: () => "'{}'" })
  services!: string[];

  @Field(() => [String], { description: "Languages staff speak (ISO 639-1)." })
  @Column({ type: "text", array: true, default: () => "'{}'" })
  languages!: string[];

  @VersionColumn()
  version!: number;
}
