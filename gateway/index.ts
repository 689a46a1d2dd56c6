/** The gateway's process: its configuration from the list of subgraphs, started and stopped like every hub process. */
import { loadGatewayConfig } from "../platform/config";
import { runHubProcess } from "../platform/startup";
import { SUBGRAPHS } from "../subgraphs/index";
import { startGateway } from "./server";

runHubProcess("gateway", () => loadGatewayConfig(SUBGRAPHS), startGateway);
