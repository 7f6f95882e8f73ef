import type { LoggerService } from '@nestjs/common';

/** One captured line: its level, its text (extra arguments appended) and, for a structured record, its fields. */
export interface CapturedLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

/** A Nest logger that keeps every line, so tests can search logs (fields included) for secrets. */
export class LogCapture implements LoggerService {
  readonly lines: CapturedLine[] = [];

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

  /** Every line, with its level, extra arguments and fields, as one searchable string. */
  text(): string {
    return this.lines
      .map((line) => {
        const fields = line.fields ? ` ${JSON.stringify(line.fields)}` : '';
        return `${line.level} ${line.message}${fields}`;
      })
      .join('\n');
  }

  /** The lines of one `event` field. */
  events(event: string): CapturedLine[] {
    return this.lines.filter((line) => line.fields?.event === event);
  }

  private push(level: string, message: unknown, rest: unknown[]): void {
    const extra = rest.map((part) => (typeof part === 'string' ? part : JSON.stringify(part)));
    const line: CapturedLine = { level, message: [String(message), ...extra].join(' ') };
    // What nestjs-pino would merge into its line: the record's own enumerable properties.
    if (message !== null && typeof message === 'object') line.fields = { ...message };
    this.lines.push(line);
  }
}
