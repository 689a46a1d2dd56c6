/** GraphQL types of the hub-wide audit trail (answered by the victims subgraph for all four). */
import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { PageInfo } from "../../../../platform/pagination";
import { IsDateTime, IsOrganisationId } from "../../../../platform/validation";
import { Length } from "class-validator";

@ObjectType({
  description: "One recorded access: who, what (records and field names, never values), when, allowed or not.",
})
export class AuditEntry {
  @Field({ description: "The subgraph whose data was read or written, and whose chain holds the entry." })
  subgraph!: string;

  @Field(() => ID, { description: "Position in that subgraph's chain." })
  seq!: string;

  @Field({ description: "ISO 8601, microseconds, UTC." })
  at!: string;

  // Nullable: a case owner may read the entry but not this field, and a refused non-null field would null the whole page.
  @Field(() => String, { nullable: true, description: "The person (token `sub`); auditors and government only." })
  actorSub!: string | null;

  @Field()
  actorOrg!: string;

  @Field()
  actorRole!: string;

  @Field({ description: "READ, WRITE or STATISTICS." })
  kind!: string;

  @Field({ description: "The field that did it: victims, _entities, updateVictim, …" })
  action!: string;

  @Field({ description: "The operation name the subgraph received." })
  operation!: string;

  @Field({ description: "The request id, also in every process's logs." })
  requestId!: string;

  @Field({ description: "ALLOWED, DENIED (refused) or FAILED (a write that did not happen)." })
  outcome!: string;

  @Field(() => [ID], {
    description:
      "The people the entry is about whom the reader may see; the others are withheld (see withheldVictimIds).",
  })
  victimIds!: string[];

  @Field(() => Int, {
    nullable: true,
    description:
      "How many people of the entry are withheld because the reader may not see them: exact when 0 or at least 5, null for 1 to 4 (a small group is not counted).",
  })
  withheldVictimIds!: number | null;

  @Field(() => [String], { description: "Type.field for reads; the input fields given for writes." })
  fields!: string[];

  @Field({ description: "SHA-256 over the entry and the previous entry's hash." })
  hash!: string;
}

@ObjectType()
export class AuditEntryEdge {
  @Field()
  cursor!: string;

  @Field(() => AuditEntry)
  node!: AuditEntry;
}

@ObjectType({ description: "A page of the audit trail, newest first." })
export class AuditEntryConnection {
  @Field(() => [AuditEntryEdge])
  edges!: AuditEntryEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@InputType({ description: "Narrows the trail; all given conditions must hold." })
export class AuditTrailFilterInput {
  @Field(() => ID, { nullable: true, description: "Entries about this case (required for a case owner)." })
  victimId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOrganisationId()
  actorOrg?: string | null;

  @Field(() => String, { nullable: true, description: "ISO 8601 date-time, inclusive." })
  @IsDateTime()
  from?: string | null;

  @Field(() => String, { nullable: true, description: "ISO 8601 date-time, exclusive." })
  @IsDateTime()
  to?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "A field (updateVictim, victims) or the client's operation name.",
  })
  @Length(1, 200)
  operation?: string | null;
}

@ObjectType({ description: "The result of recomputing one subgraph's audit chain." })
export class AuditChainReport {
  @Field()
  subgraph!: string;

  @Field(() => Int)
  entries!: number;

  @Field()
  intact!: boolean;

  @Field(() => ID, { nullable: true, description: "The first entry whose content, hash or link does not match." })
  firstBrokenSeq!: string | null;

  @Field(() => String, { nullable: true })
  problem!: string | null;
}
