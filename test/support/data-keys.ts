import { randomBytes } from "node:crypto";
import { installDataKeyRing, parseDataKeyRing } from "../../platform/encryption";

/**
 * Installs a fresh key ring in this test process, as a subgraph's start installs the hub's
 * (platform/encryption/): for tests that open subgraph databases themselves, whose
 * migrations and entities encrypt at rest.
 */
export function installThrowawayDataKeyRing(): void {
  const key = () => randomBytes(32).toString("base64");
  installDataKeyRing(
    parseDataKeyRing(
      JSON.stringify({
        version: 1,
        data: { current: "d1", keys: { d1: key() } },
        matching: { current: "m1", keys: { m1: key() } },
      }),
      "test ring",
    ),
  );
}
