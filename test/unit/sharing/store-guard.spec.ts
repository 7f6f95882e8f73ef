import { describe, expect, it, jest } from '@jest/globals';
import { ZumRailsInMemoryTokenStore } from '../../../lib/store/in-memory-token.store.js';
import { StoreGuard } from '../../../lib/sharing/shared-token.js';
import { LogCapture } from '../../support/log-capture.js';

describe('StoreGuard', () => {
  it('passes values through and reports ok for a shared store', async () => {
    const guard = new StoreGuard(new ZumRailsInMemoryTokenStore(), 100, new LogCapture());
    expect(await guard.run('get', (store) => store.get('k'))).toEqual({
      ok: true,
      value: undefined,
    });
    expect(guard.state).toBe('ok');
  });

  it('turns a slow call into a failure within the bound and warns once', async () => {
    const logs = new LogCapture();
    const guard = new StoreGuard(new ZumRailsInMemoryTokenStore(), 50, logs);
    const never = () => new Promise<never>(() => undefined);
    jest.useFakeTimers();
    try {
      let outcome: unknown;
      void guard.run('get', never).then((value) => (outcome = value));
      await jest.advanceTimersByTimeAsync(49);
      expect(outcome).toBeUndefined(); // still within its 50 ms
      await jest.advanceTimersByTimeAsync(1);
      expect(outcome).toEqual({ ok: false }); // failed exactly at the bound
      const second = guard.run('get', never);
      await jest.advanceTimersByTimeAsync(50);
      expect(await second).toEqual({ ok: false });
    } finally {
      jest.useRealTimers();
    }
    expect(guard.state).toBe('degraded');
    expect(logs.lines).toEqual([
      {
        level: 'warn',
        message: expect.stringMatching(/Token store unavailable \(get: no answer within 50 ms\)/),
        fields: expect.objectContaining({ event: 'store-unavailable', operation: 'get' }),
      },
    ]);
  });

  it('turns thrown and rejected errors into failures, then recovers with one line', async () => {
    const logs = new LogCapture();
    const guard = new StoreGuard(new ZumRailsInMemoryTokenStore(), 50, logs);
    expect(
      await guard.run('acquireLease', () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      }),
    ).toEqual({ ok: false });
    expect(await guard.run('get', () => Promise.reject(new Error('boom')))).toEqual({ ok: false });
    expect(await guard.run('get', async () => 1)).toEqual({ ok: true, value: 1 });
    expect(guard.state).toBe('ok');
    expect(logs.lines.map((line) => line.level)).toEqual(['warn', 'log']);
    expect(logs.lines[0]!.message).toMatch(/acquireLease: connect ECONNREFUSED/);
    expect(logs.lines[1]!.message).toMatch(/answers again/);
  });

  it('warns once per kind of unusable record', () => {
    const logs = new LogCapture();
    const guard = new StoreGuard(new ZumRailsInMemoryTokenStore(), 50, logs);
    guard.reportRecordProblem('encrypted-without-key');
    guard.reportRecordProblem('encrypted-without-key');
    guard.reportRecordProblem('unreadable');
    expect(logs.lines).toHaveLength(2);
    expect(logs.lines[0]!.message).toMatch(/storeEncryptionKey is not set/);
  });
});
