import { Logger, type LoggerService } from '@nestjs/common';
import { ZumRailsConfigError } from '../errors/zumrails.errors.js';
import { ZumRailsLogRecord } from './log-record.js';

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
