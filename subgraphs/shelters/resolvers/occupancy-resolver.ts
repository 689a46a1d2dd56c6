/**
 * Shelter occupancy and free beds by region. Bed counts of each shelter are public to
 * every partner (DESIGN.md), so their sums need no suppression; the query is audited as
 * one STATISTICS entry like every statistic.
 */
import { Ctx, Field, Int, ObjectType, Query, Resolver } from "type-graphql";
import { auditStatistics } from "../../../platform/audit/audit-log";
import type { SubgraphContext } from "../../../platform/context";

@ObjectType({ description: "Beds in one region." })
export class RegionOccupancy {
  @Field()
  region!: string;

  @Field(() => Int)
  shelters!: number;

  @Field(() => Int)
  capacity!: number;

  @Field(() => Int)
  occupiedBeds!: number;

  @Field(() => Int)
  freeBeds!: number;
}

@Resolver()
export class OccupancyResolver {
  @Query(() => [RegionOccupancy], {
    nullable: true,
    description: "Capacity, occupied and free beds per region (every authenticated role).",
  })
  async shelterOccupancy(@Ctx() context: SubgraphContext): Promise<RegionOccupancy[]> {
    const rows: RegionOccupancy[] = await context.db.query(`
      SELECT region, count(*)::int AS shelters, sum(capacity)::int AS capacity, sum(occupied_beds)::int AS "occupiedBeds",
             sum(capacity - occupied_beds)::int AS "freeBeds"
        FROM shelter GROUP BY region ORDER BY region`);
    await auditStatistics(context, "shelterOccupancy", ["region"]);
    return rows;
  }
}
