import type { LoggerService } from '@nestjs/common';

/** A Nest logger that keeps every line, so tests can search logs for secrets. */
export class LogCapture implements LoggerService {
  readonly lines: { level: string; message: string }[] = [];

  log(message: unknown, ...rest: unknown[]): void {
    this.push('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.push('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.push('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.push('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.push('verbose', message, rest);
  }

  /** Every line, with its level and extra arguments, as one searchable string. */
  text(): string {
    return this.lines.map((line) => `${line.level} ${line.message}`).join('\n');
  }

  private push(level: string, message: unknown, rest: unknown[]): void {
    const extra = rest.map((part) => (typeof part === 'string' ? part : JSON.stringify(part)));
    this.lines.push({ level, message: [String(message), ...extra].join(' ') });
  }
}
