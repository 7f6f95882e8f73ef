import { describe, expect, it } from '@jest/globals';
import { ConsoleLogger } from '@nestjs/common';
import { firstValueFrom, take, toArray } from 'rxjs';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { LogCapture } from '../support/log-capture.js';

/** Runs `action` while collecting what a Nest ConsoleLogger writes to stdout and stderr. */
async function consoleOutput(action: () => Promise<void>): Promise<string[]> {
  const written: string[] = [];
  const out = process.stdout.write;
  const err = process.stderr.write;
  const capture = (chunk: string | Uint8Array): boolean => {
    written.push(String(chunk));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  try {
    await action();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return written.join('').split('\n').filter(Boolean);
}

describe('structured log lines', () => {
  const fixture = useFakeZumRails();

  it('a rejected login is one error line with its fields, not an error and a warning', async () => {
    const subject = await fixture.start();
    fixture.fake.failLogin({ kind: 'status', status: 401 });
    await subject.tokens.getToken().catch(() => undefined);
    const own = subject.logs.lines.filter((line) => line.message.endsWith('ZumRailsAuth'));
    expect(own).toEqual([
      {
        level: 'error',
        message: expect.stringMatching(
          /^Zum Rails rejected the API credentials \(HTTP 401\); attempt 1/,
        ),
        fields: {
          msg: expect.stringMatching(/^Zum Rails rejected/),
          event: 'credentials-rejected',
          errorCode: 'credentials-rejected',
          status: 401,
          attempt: 1,
          nextRetryInMs: expect.any(Number),
        },
      },
    ]);
  });

  it('acquisition, failed renewal and renewal lines carry event, fingerprint and attempt', async () => {
    const subject = await fixture.start({ loginRetry: { initialDelayMs: 50, maxDelayMs: 50 } });
    await subject.tokens.getToken();
    fixture.fake.failLogin({ kind: 'status', status: 503 });
    await subject.tokens.refresh().catch(() => undefined);
    await subject.tokens.refresh();
    const [acquired] = subject.logs.events('acquired');
    expect(acquired?.fields).toEqual({
      msg: expect.stringMatching(/^Token acquired \(fp [0-9a-f]{8}\)/),
      event: 'acquired',
      fingerprint: expect.stringMatching(/^[0-9a-f]{8}$/),
      origin: 'login',
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(subject.logs.events('renewal-failed').map((line) => line.fields)).toEqual([
      expect.objectContaining({ errorCode: 'unavailable', status: 503, attempt: 1 }),
    ]);
    const [renewed] = subject.logs.events('renewed');
    expect(renewed?.fields).toMatchObject({ previousFingerprint: acquired?.fields?.fingerprint });
    expect(
      subject.logs.lines.filter((line) => line.fields !== undefined && line.level === 'debug'),
    ).toEqual([]);
  });

  it('logger: false silences the module while events$ still emits', async () => {
    const subject = await fixture.start({ logger: false });
    const events = firstValueFrom(subject.tokens.events$.pipe(take(2), toArray()));
    await subject.tokens.getToken();
    fixture.fake.failLogin({ kind: 'status', status: 401 });
    await subject.tokens.refresh().catch(() => undefined);
    expect((await events).map((event) => event.type)).toEqual(['acquired', 'credentials-rejected']);
    expect(subject.logs.lines.filter((line) => line.message.endsWith(' ZumRailsAuth'))).toEqual([]);
  });

  it('logger: a LoggerService of the app gets every line, with the ZumRailsAuth context', async () => {
    const own = new LogCapture();
    const subject = await fixture.start({ logger: own });
    await subject.tokens.getToken();
    expect(own.lines).toEqual([
      expect.objectContaining({ level: 'log', message: expect.stringMatching(/ ZumRailsAuth$/) }),
    ]);
    expect(own.lines[0]?.fields?.event).toBe('acquired');
    expect(subject.logs.text()).not.toMatch(/Token acquired/);
  });

  it('a logger option that is no logger fails the start with a ZumRailsConfigError', async () => {
    await expect(fixture.start({ logger: 'json' as never })).rejects.toMatchObject({
      code: 'config',
      field: 'logger',
    });
  });

  it("Nest's JSON ConsoleLogger prints the fields as JSON; its text mode prints one readable line", async () => {
    const json = new ConsoleLogger({ json: true });
    const text = new ConsoleLogger({ colors: false });
    const lines = await consoleOutput(async () => {
      const first = await fixture.start({ logger: json });
      await first.tokens.getToken();
      await first.app.close();
      const second = await fixture.start({ logger: text });
      await second.tokens.getToken();
      await second.app.close();
    });
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({
      level: 'log',
      context: 'ZumRailsAuth',
      message: {
        msg: expect.stringMatching(/^Token acquired/),
        event: 'acquired',
        fingerprint: expect.stringMatching(/^[0-9a-f]{8}$/),
      },
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({ message: { event: 'cancelled', revoked: true } });
    expect(lines[2]).toMatch(/LOG \[ZumRailsAuth\] Token acquired \(fp [0-9a-f]{8}\), expires /);
    expect(lines[3]).toMatch(/LOG \[ZumRailsAuth\] Token cancelled \(fp [0-9a-f]{8}\)$/);
    expect(lines).toHaveLength(4);
  });
});
