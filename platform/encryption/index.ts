/** Encryption at rest: the key ring (key-ring.ts), values and keyed hashes (envelope.ts), columns (column.ts). */
import { installDataKeyRing } from "./envelope";
import { loadDataKeyRing, type DataKeyRing } from "./key-ring";

export * from "./column";
export * from "./envelope";
export * from "./key-ring";

/** Loads the ring a subgraph's configuration names and makes it this process's (before its migrations run). */
export function loadAndInstallDataKeyRing(settings: { file?: string; devKeyDir: string }): DataKeyRing {
  const ring = loadDataKeyRing(settings);
  installDataKeyRing(ring);
  return ring;
}
export * from "./rewrite";
export * from "./rotation";
