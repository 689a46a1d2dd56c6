/**
 * Shelter occupancy and free beds by region. Bed counts of each shelter are public to
 * every partner (DESIGN.md), so their sums need no suppression; the query is audited as
 * one STATISTICS entry like every statistic.
 */
import { Ctx, Field, Int, ObjectType, Query, Resolver } from "type-graphql";
import { appendAuditEntries } from "../../../shared/audit/audit-log";
import type { SubgraphContext } from "../../../shared/context";

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
  @Query(() => [RegionOccupancy], { nullable: true, description: "Capacity, occupied and free beds per region (every authenticated role)." })
  async shelterOccupancy(@Ctx() context: SubgraphContext): Promise<RegionOccupancy[]> {
    const rows: RegionOccupancy[] = await context.db.query(`
      SELECT s.region, count(*)::int AS shelters, sum(s.capacity)::int AS capacity, sum(o.occupied)::int AS "occupiedBeds",
             sum(GREATEST(s.capacity - o.occupied, 0))::int AS "freeBeds"
        FROM shelter s
        CROSS JOIN LATERAL (SELECT count(*)::int AS occupied FROM placement p WHERE p.shelter_id = s.id AND p.ended_at IS NULL) o
       GROUP BY s.region ORDER BY s.region`);
    await appendAuditEntries(context.db, [context.audit.entry("STATISTICS", "shelterOccupancy", "ALLOWED", [], ["region"])]);
    return rows;
  }
}
