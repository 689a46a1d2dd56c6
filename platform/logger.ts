/**
 * Structured logs (pino). Personal field values never go into a log line: log ids, codes,
 * counts and durations only.
 *
 * Two formats of the same records: JSON lines (the default whenever stdout is not a
 * terminal: tests, CI, containers, a pipe) and, on a terminal, pino-pretty's one line per
 * record. Pretty output is made from the JSON line pino has already serialised — after
 * every serializer and redaction — so it can show nothing the JSON line does not hold; it
 * only drops keys (`service`, which repeats `name`). In-process and synchronous (no worker
 * transport): it runs only for a person watching a terminal, and a worker would cost a
 * thread per process for a few lines a second. `LOG_FORMAT=json|pretty` overrides the choice.
 */
import pino from "pino";
import pinoPretty from "pino-pretty";

export type Logger = pino.Logger;

export const LOG_FORMATS = ["json", "pretty"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function isLogFormat(value: unknown): value is LogFormat {
  return (LOG_FORMATS as readonly unknown[]).includes(value);
}

/** `requested` (LOG_FORMAT) when given, else pretty on a terminal and JSON everywhere else. */
export function chooseLogFormat(
  requested: string | undefined = process.env.LOG_FORMAT,
  terminal = process.stdout.isTTY === true,
): LogFormat {
  if (isLogFormat(requested)) return requested;
  return terminal ? "pretty" : "json";
}

/**
 * A destination that turns each JSON line pino writes into pino-pretty's line and writes
 * that to `out`. Colour follows pino-pretty's own test (a terminal, FORCE_COLOR, NO_COLOR).
 */
function prettyDestination(out: pino.DestinationStream): pino.DestinationStream {
  const prettify = pinoPretty.prettyFactory({
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "service",
    singleLine: true,
  });
  return { write: (line: string) => out.write(prettify(line)) };
}

export function createLogger(
  name: string,
  level = process.env.LOG_LEVEL ?? "info",
  format: LogFormat = chooseLogFormat(),
  /** Where the lines go; default: stdout, as pino writes it (buffered, flushed at exit). */
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = { name, level, base: { service: name } };
  if (format === "pretty") return pino(options, prettyDestination(destination ?? pino.destination({ dest: 1 })));
  return destination ? pino(options, destination) : pino(options);
}
