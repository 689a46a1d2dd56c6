/**
 * Operation names as metric labels (metrics.ts). Apart from the metrics, so configuration
 * (HUB_METRICS_OPERATIONS) checks names with the same rule without importing the registry.
 */

/** An operation name that may become a label: a GraphQL name of at most 64 characters. */
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** More digits than this and it is more likely an id, a date, a case or phone number than a name. */
const MAX_OPERATION_DIGITS = 4;
/** Distinct operation names a process labels; later new ones are "other". */
export const MAX_OPERATION_LABELS = 100;

/** Whether a client-chosen operation name is fit to be a label at all. */
export function admissibleOperationName(name: string): boolean {
  if (!OPERATION_NAME.test(name) || name === "anonymous" || name === "other") return false;
  let digits = 0;
  for (let index = 0; index < name.length; index += 1) {
    const code = name.charCodeAt(index);
    if (code >= 48 && code <= 57 && ++digits > MAX_OPERATION_DIGITS) return false;
  }
  return true;
}

/**
 * Operation names as labels. A name is a client's string: it could carry a person's id, a
 * date or a token, or be new on every request to blow up the series. So only names that
 * fit `admissibleOperationName` become labels, first come first served up to `limit`
 * distinct ones; every other name is "other", no name "anonymous". `allowed` (from
 * HUB_METRICS_OPERATIONS) narrows the labels to the names an operator listed.
 */
export class OperationLabels {
  private readonly admitted = new Set<string>();

  constructor(
    private readonly limit = MAX_OPERATION_LABELS,
    private allowed?: ReadonlySet<string>,
  ) {}

  /** Only these names become labels from now on (those admitted before stay: Prometheus has them already). */
  allowOnly(names: ReadonlySet<string> | undefined): void {
    this.allowed = names;
  }

  of(name: string | null | undefined): string {
    if (name === null || name === undefined || name === "") return "anonymous";
    if (this.admitted.has(name)) return name;
    if (this.admitted.size >= this.limit || !admissibleOperationName(name)) return "other";
    if (this.allowed && !this.allowed.has(name)) return "other";
    this.admitted.add(name);
    return name;
  }

  get size(): number {
    return this.admitted.size;
  }
}

/** A retention kind's name: a fixed snake_case word of a module's declaration (platform/retention.ts), never data. */
const RETENTION_KIND_NAME = /^[a-z][a-z0-9_]{0,47}$/;

/** Refuses a retention kind name that could not be a fixed label or a setting's name. */
export function assertRetentionKindLabel(name: string): void {
  if (!RETENTION_KIND_NAME.test(name))
    throw new Error(`retention kind "${name}" must be snake_case (a-z, 0-9, _; at most 48 characters)`);
}
