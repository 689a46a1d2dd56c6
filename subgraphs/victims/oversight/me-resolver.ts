/** `me`: who the caller is and what the hub's policy opens to it. Oversight (README.md here): reads only ../../policies. */
import { Ctx, Query, Resolver } from "type-graphql";
import type { SubgraphContext } from "../../../platform/context";
import { accessForRole } from "../../../platform/policy/caller-access";
import { HUB_POLICIES } from "../../modules";
import { Me } from "./types/me";

@Resolver(() => Me)
export class MeResolver {
  @Query(() => Me, {
    description: "Who you are to the hub, and which fields and records its access policy opens to you.",
  })
  me(@Ctx() { caller }: SubgraphContext): Me {
    return {
      sub: caller.sub,
      org: caller.org,
      role: caller.role,
      country: caller.country ?? null,
      shelter: caller.shelter ?? null,
      access: accessForRole(caller.role, HUB_POLICIES).map((view) => ({
        ...view,
        fields: view.fields.map((field) => ({ name: field.name, condition: field.condition ?? null })),
      })),
    };
  }
}
