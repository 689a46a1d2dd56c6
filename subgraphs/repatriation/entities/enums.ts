import { registerEnumType } from "type-graphql";

/** How one leg of a journey is travelled. */
export enum TravelMode {
  FLIGHT = "FLIGHT",
  BUS = "BUS",
  CAR = "CAR",
  TRAIN = "TRAIN",
  BOAT = "BOAT",
}
registerEnumType(TravelMode, { name: "TravelMode" });
