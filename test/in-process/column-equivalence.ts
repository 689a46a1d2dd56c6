/**
 * The check behind every column-selection test (platform/selection.ts): a read that selects
 * only the columns it needs must answer, for every field of its type, all together and each
 * alone, exactly what a read of every column answers. A field whose resolver or condition
 * reads a property the read did not select would otherwise answer null without an error.
 */
import type { DevTokenRequest } from "../../platform/auth/tokens";
import { columnSelection } from "../../platform/selection";
import type { InProcessSubgraph } from "./harness";

/** What one read answered for one record: an object, a list of them (a list field), or null. */
export type Answer = Record<string, unknown> | Array<Record<string, unknown> | null> | null;

export interface ColumnRead {
  name: string;
  persona: DevTokenRequest;
  /** The operation, with `FIELDS` where the type's fields go. */
  query: string;
  variables?: () => Record<string, unknown>;
  /** The answers it gave, in order. */
  answers: (data: Record<string, unknown>) => Answer[];
  /** Whether this persona must see at least one record (default: yes), so an empty answer cannot pass. */
  seesSome?: boolean;
}

export interface ColumnEquivalence {
  subgraph: () => InProcessSubgraph;
  /** Every field of the type read. */
  fields: readonly string[];
  /** The sub-selection of each object-typed field, e.g. `{ consents: "{ id kind }" }`. */
  objectFields?: Record<string, string>;
}

/** `run` with column selection off: what a read of every column answers. */
export async function readingEveryColumn<T>(run: () => Promise<T>): Promise<T> {
  columnSelection.enabled = false;
  try {
    return await run();
  } finally {
    columnSelection.enabled = true;
  }
}

const valuesOf = (answers: Answer[], field: string) =>
  answers.map((answer) =>
    Array.isArray(answer) ? answer.map((item) => item?.[field]) : (answer as Record<string, unknown> | null)?.[field],
  );

/** One test per read: every field together, then each alone, equals the every-column read. */
export function describeColumnEquivalence(subject: ColumnEquivalence, reads: readonly ColumnRead[]): void {
  const selectionOf = (fields: readonly string[]) =>
    fields.map((field) => `${field} ${subject.objectFields?.[field] ?? ""}`).join(" ");
  const read = async (target: ColumnRead, fields: readonly string[]) => {
    const response = await subject
      .subgraph()
      .execute(target.persona, target.query.replaceAll("FIELDS", selectionOf(fields)), target.variables?.());
    // Field refusals are the policy's and the same either way; an internal error would be a property not read.
    const internal = (response.errors ?? []).filter((error) => error.extensions?.code === "INTERNAL_SERVER_ERROR");
    expect({ fields, internal }).toEqual({ fields, internal: [] });
    return target.answers(response.data as Record<string, unknown>);
  };

  describe.each(reads)("$name", (target) => {
    it("every field, together and each alone, answers what a read of every column answers", async () => {
      const reference = await readingEveryColumn(() => read(target, subject.fields));
      if (target.seesSome ?? true)
        expect(reference.some((answer) => (Array.isArray(answer) ? answer.length > 0 : answer !== null))).toBe(true);
      expect(await read(target, subject.fields)).toEqual(reference);
      for (const field of subject.fields) {
        const alone = await read(target, [field]);
        expect({ field, values: valuesOf(alone, field) }).toEqual({ field, values: valuesOf(reference, field) });
      }
    });
  });
}
