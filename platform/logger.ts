/**
 * Structured JSON logs (pino). Personal field values never go into a log line: log
 * ids, codes, counts and durations only.
 */
import pino from "pino";

export type Logger = pino.Logger;

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({ name, level, base: { service: name } });
}
