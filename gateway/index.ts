import { startGateway } from "./server";
import { loadGatewayConfig } from "../shared/config";
import { describeStartupFailure } from "../shared/startup";

let config;
try {
  config = loadGatewayConfig();
} catch (error) {
  const failure = describeStartupFailure(error);
  console.error(failure.message);
  process.exit(failure.exitCode);
}
startGateway(config).then(
  (gateway) => {
    const shutdown = () => gateway.stop().then(() => process.exit(0), () => process.exit(1));
    process.once("SIGTERM", shutdown);
    process.once("SIGINT", shutdown);
  },
  (error: unknown) => {
    // A configuration problem (port taken, …) exits with its own code: the supervisor does not restart it.
    const failure = describeStartupFailure(error);
    console.error(`gateway failed to start: ${failure.message}`);
    process.exit(failure.exitCode);
  },
);
