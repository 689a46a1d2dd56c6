/** Demo data of the shelters subgraph: six shelters near the border and who stays where. */
import type { DataSource } from "typeorm";
import { DEMO_SHELTERS, generateRelease } from "../../demo/release";
import type { DemoData } from "../../platform/subgraph-server";
import { Placement } from "./entities/placement";
import { Shelter } from "./entities/shelter";
import { RECOUNT_OCCUPANCY_SQL } from "./beds";

export const sheltersDemoData: DemoData = {
  async isEmpty(db: DataSource) {
    return (await db.getRepository(Shelter).count()) === 0;
  },

  async load(db: DataSource) {
    const people = generateRelease();
    await db.transaction(async (manager) => {
      await manager.query("TRUNCATE placement, shelter, erasure_log");
      await manager.insert(
        Shelter,
        DEMO_SHELTERS.map((shelter) => ({ ...shelter })),
      );
      await manager.insert(
        Placement,
        people
          .filter((person) => person.shelterId)
          .map((person) => ({
            victimId: person.id,
            shelterId: person.shelterId!,
            placedAt: person.placedAt!,
            placedByOrg: person.ownerOrg,
          })),
      );
      await manager.query(RECOUNT_OCCUPANCY_SQL);
    });
  },
};
