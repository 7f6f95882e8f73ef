import { inspect, type InspectOptionsStylized } from 'node:util';
import { Logger, type LoggerService } from '@nestjs/common';
import { ZumRailsConfigError } from '../errors/zumrails.errors.js';

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

/** A failed store call's reason for a log line: the error's first line, at most 160 characters. */
export function failureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.slice(0, 160);
}

/** Shorthand for `new ZumRailsLogRecord(event, msg, fields)`. */
export function logRecord(
  event: string,
  msg: string,
  fields?: Readonly<Record<string, LogFieldValue | undefined>>,
): ZumRailsLogRecord {
  return new ZumRailsLogRecord(event, msg, fields);
}

/** Nest logger context of every line this library logs (`ZumRailsAuth:<name>` for a named account). */
export const LOG_CONTEXT = 'ZumRailsAuth';

/** The three levels this module logs at. */
export type ModuleLogLevel = 'log' | 'warn' | 'error';

/** What the module's parts log through: a `ModuleLogger`, or any Nest `LoggerService` in tests. */
export type RecordLogger = Record<ModuleLogLevel, (record: ZumRailsLogRecord) => void>;

/**
 * Where the module's log lines go, with its context bound: the `logger` option (any Nest
 * `LoggerService`: Nest's `ConsoleLogger`, nestjs-pino's `Logger`, ...), nowhere for
 * `logger: false`, or else Nest's `Logger` (the app's logger, `app.useLogger()` included).
 */
export class ModuleLogger implements RecordLogger {
  private constructor(
    private readonly target: LoggerService | undefined,
    private readonly context: string,
    private readonly account: string | undefined,
  ) {}

  /**
   * `account`, when given, is added to every record as a field (named accounts).
   * @throws ZumRailsConfigError when `option` is neither `false` nor a logger.
   */
  static from(option: unknown, context: string, account?: string): ModuleLogger {
    if (option === false) return new ModuleLogger(undefined, context, account);
    if (option === undefined) return new ModuleLogger(new Logger(), context, account);
    if (!isLoggerService(option)) {
      throw new ZumRailsConfigError(
        'logger',
        'must be a Nest LoggerService (log, warn and error methods) or false',
      );
    }
    return new ModuleLogger(option, context, account);
  }

  log(record: ZumRailsLogRecord): void {
    this.write('log', record);
  }

  warn(record: ZumRailsLogRecord): void {
    this.write('warn', record);
  }

  error(record: ZumRailsLogRecord): void {
    this.write('error', record);
  }

  write(level: ModuleLogLevel, record: ZumRailsLogRecord): void {
    // The last string argument is the context for Nest's loggers and for nestjs-pino alike.
    if (!this.target) return;
    const line =
      this.account === undefined
        ? record
        : new ZumRailsLogRecord(record.event, record.msg, {
            ...record.fields,
            account: this.account,
          });
    this.target[level](line, this.context);
  }
}

function isLoggerService(value: unknown): value is LoggerService {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return ['log', 'warn', 'error'].every((method) => typeof candidate[method] === 'function');
}

/** A few secret-free fields an object shows instead of its own properties. */
type View<T> = (self: T) => Record<string, unknown>;

/**
 * Makes `target` (an object, or a class prototype for all its instances) show only `name` (by
 * default the instance's class name) and
 * `view` to `util.inspect` (so `console.log` and Nest's loggers), whatever the depth or
 * `showHidden`, and only `view` to `JSON.stringify`. For objects that hold options, credentials
 * or tokens: what they show is chosen, never walked. Both hooks are non-enumerable (out of
 * `Object.keys` and spreads).
 */
export function showOnly<T extends object>(
  target: object,
  name: string | undefined,
  view: View<T>,
): void {
  Object.defineProperties(target, {
    toJSON: {
      value(this: T): Record<string, unknown> {
        return view(this);
      },
      configurable: true,
      writable: true,
    },
    [inspect.custom]: {
      value(this: T, depth: number, options: InspectOptionsStylized): string {
        const shown = name ?? this.constructor.name;
        if (depth < 0) return `[${shown}]`;
        return `${shown} ${inspect(view(this), options)}`;
      },
      configurable: true,
      writable: true,
    },
  });
}

/**
 * Class decorator: every instance (of subclasses too) shows `ClassName { ...view(instance) }`
 * when inspected or logged, and `view(instance)` when serialised (see {@link showOnly}).
 * Default view: nothing.
 */
export function SafeToLog<T extends object>(view: View<T> = () => ({})) {
  return (type: abstract new (...args: never[]) => T): void =>
    showOnly(type.prototype as object, undefined, view);
}
