/** GraphQL types of the anonymised statistics: counts with small cells suppressed. */
import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";

export enum StatisticsDimension {
  NATIONALITY = "NATIONALITY",
  NRM_STATUS = "NRM_STATUS",
  GENDER = "GENDER",
  AGE_BRACKET = "AGE_BRACKET",
  /** The shelter a person stays in now, or NONE. */
  SHELTER = "SHELTER",
  /**
   * The state of a person's latest repatriation case, or NONE. The destination is the
   * person's nationality, so the repatriation pipeline by state and destination is
   * [REPATRIATION_STATUS, NATIONALITY]; a separate destination dimension would equal
   * nationality and let two one-way tables be subtracted from each other.
   */
  REPATRIATION_STATUS = "REPATRIATION_STATUS",
}
registerEnumType(StatisticsDimension, { name: "StatisticsDimension" });

@ObjectType({ description: "The value of one dimension for a cell." })
export class GroupValue {
  @Field(() => StatisticsDimension)
  dimension!: StatisticsDimension;

  @Field()
  value!: string;
}

@ObjectType({
  description:
    "One group and how many people are in it; null and suppressed when publishing it could identify someone.",
})
export class StatisticsCell {
  @Field(() => [GroupValue])
  group!: GroupValue[];

  @Field(() => Int, { nullable: true })
  count!: number | null;

  @Field()
  suppressed!: boolean;
}

@ObjectType({ description: "Counts of cases grouped as asked, with small-cell suppression (see the README)." })
export class CaseStatistics {
  @Field(() => [StatisticsDimension])
  groupBy!: StatisticsDimension[];

  @Field(() => [StatisticsCell], { description: "Every non-empty group, ordered by its values." })
  cells!: StatisticsCell[];

  @Field(() => Int, { nullable: true, description: "All cases (null if fewer than 5)." })
  total!: number | null;

  @Field({ description: "The suppression rule, in words." })
  rule!: string;
}

@ObjectType({ description: "A median duration over a group of people; null when the group is under 5." })
export class DurationStatistic {
  @Field()
  measure!: string;

  @Field(() => Int, { nullable: true, description: "People measured (null when suppressed)." })
  people!: number | null;

  @Field(() => Float, { nullable: true })
  medianDays!: number | null;

  @Field()
  suppressed!: boolean;
}
