/**
 * A process that logs one record with the hub's logger, as a hub process makes it (format
 * from LOG_FORMAT and whether stdout is a terminal), for logger.test.ts to read.
 */
import { createLogger } from "../../platform/logger";

createLogger("log-probe", "info").info({ count: 3 }, "probe line");
