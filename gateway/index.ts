import { startGateway } from "./server";
import { loadGatewayConfig } from "../platform/config";
import { SUBGRAPHS } from "../subgraphs/index";
import { describeStartupFailure, EXIT_FAILURE, whenSupervisorGone } from "../platform/startup";

let config;
try {
  config = loadGatewayConfig(SUBGRAPHS);
} catch (error) {
  const failure = describeStartupFailure(error);
  console.error(failure.message);
  process.exit(failure.exitCode);
}
let stopRunning: (() => void) | undefined;
whenSupervisorGone(() => (stopRunning ? stopRunning() : process.exit(EXIT_FAILURE)));
startGateway(config).then(
  (gateway) => {
    let stopping = false;
    const shutdown = () => {
      if (stopping) return;
      stopping = true;
      gateway.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    stopRunning = shutdown;
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
