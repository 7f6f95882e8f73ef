import { inspect } from 'node:util';

/** Values a log field may hold: flat, so every logger shows them as they are. */
type LogFieldValue = string | number | boolean;

/**
 * One log line, structured: its own enumerable properties (`msg`, `event`, then the fields) are
 * what nestjs-pino merges into the line (`msg` is pino's message key) and what Nest's JSON
 * `ConsoleLogger` prints under `message`; text loggers get the sentence (`String(record)`,
 * `util.inspect`), so Nest's default console output stays one readable line.
 */
export class ZumRailsLogRecord {
  readonly msg: string;
  readonly event: string;

  constructor(
    event: string,
    msg: string,
    fields: Readonly<Record<string, LogFieldValue | undefined>> = {},
  ) {
    this.msg = msg;
    this.event = event;
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined && key !== 'msg' && key !== 'event')
        Object.defineProperty(this, key, { value, enumerable: true });
    }
  }

  /** The fields, `msg` and `event` included. */
  get fields(): Readonly<Record<string, LogFieldValue>> {
    return Object.fromEntries(Object.entries(this)) as Record<string, LogFieldValue>;
  }

  toString(): string {
    return this.msg;
  }

  [inspect.custom](): string {
    return this.msg;
  }
}

/** Shorthand for `new ZumRailsLogRecord(event, msg, fields)`. */
export function logRecord(
  event: string,
  msg: string,
  fields?: Readonly<Record<string, LogFieldValue | undefined>>,
): ZumRailsLogRecord {
  return new ZumRailsLogRecord(event, msg, fields);
}
