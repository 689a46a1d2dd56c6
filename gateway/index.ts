import { startGateway } from "./server";
import { loadGatewayConfig } from "../shared/config";

let config;
try {
  config = loadGatewayConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
startGateway(config).then(
  (gateway) => {
    const shutdown = () => gateway.stop().then(() => process.exit(0), () => process.exit(1));
    process.once("SIGTERM", shutdown);
    process.once("SIGINT", shutdown);
  },
  (error: Error) => {
    console.error(`gateway failed to start: ${error.message}`);
    process.exit(1);
  },
);
