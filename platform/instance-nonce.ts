/**
 * The supervisor (scripts/start.ts) starts each child with a fresh random value in
 * HUB_INSTANCE_NONCE; the child's `/ready` echoes it in a header (platform/http.ts). A
 * `/ready` answer without it comes from some other process on that port — another hub,
 * say — and never counts as the child being ready.
 */
export const INSTANCE_NONCE_VARIABLE = "HUB_INSTANCE_NONCE";
export const INSTANCE_NONCE_HEADER = "x-hub-instance";
