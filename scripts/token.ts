/**
 * `npm run -s token -- --role embassy --country PH` prints one development token and
 * nothing else, so scripts can use it. Options: --role, --org, --sub, --country,
 * --shelter, --ttl (e.g. 2h, 600).
 */
import { parseArgs } from "node:util";
import { isRole } from "../shared/auth/claims";
import { signDevToken } from "../shared/auth/tokens";
import { loadGatewayConfig } from "../shared/config";

function main(): void {
  const { values } = parseArgs({
    options: {
      role: { type: "string" },
      org: { type: "string" },
      sub: { type: "string" },
      country: { type: "string" },
      shelter: { type: "string" },
      ttl: { type: "string" },
    },
  });
  if (!isRole(values.role)) {
    console.error("usage: npm run -s token -- --role <government|ngo|shelter|embassy|repatriation|auditor> [--org ID] [--country XX] [--shelter ID] [--ttl 12h]");
    process.exit(2);
  }
  const config = loadGatewayConfig();
  if (config.environment === "production") {
    console.error("Development tokens are not available when NODE_ENV=production.");
    process.exit(2);
  }
  const ttl = values.ttl && /^\d+$/.test(values.ttl) ? Number(values.ttl) : values.ttl;
  process.stdout.write(
    signDevToken(config.auth, {
      role: values.role,
      org: values.org,
      sub: values.sub,
      country: values.country?.toUpperCase(),
      shelter: values.role === "shelter" ? (values.shelter ?? "shelter-maesot-1") : values.shelter,
      ttl,
    }) + "\n",
  );
}

main();
