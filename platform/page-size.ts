/** Page sizes of every list, in a module of their own so the gateway can read them without the schema classes. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;
