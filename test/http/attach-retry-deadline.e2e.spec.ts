import { describe, expect, it } from '@jest/globals';
import axios from 'axios';
import { attachZumRailsAuth, ZumRailsHttpError } from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { LogCapture } from '../support/log-capture.js';
import { apiRequests, rejectionOf } from '../support/zumrails-assertions.js';

/**
 * On an app's own axios nothing but the retrier knows the call's overall deadline (there is no
 * deadline signal as in ZumRailsHttpService): it alone must refuse a retry that cannot fit.
 */
describe('attachZumRailsAuth: retries inside the call’s overall deadline', () => {
  const fixture = useFakeZumRails({}, { revokeOnShutdown: false });

  it('starts no retry (and logs none) when the backoff is longer than the time left', async () => {
    const { tokens } = await fixture.start();
    const logger = new LogCapture();
    const instance = axios.create({ baseURL: fixture.fake.url });
    // The shortest backoff (half of 2 s) is longer than the whole 300-ms deadline.
    attachZumRailsAuth(instance, tokens, {
      requestTimeoutMs: 300,
      apiRetry: { initialDelayMs: 2_000, maxDelayMs: 2_000 },
      logger,
    });
    fixture.fake.failApi({ kind: 'status', status: 503 }, Infinity);

    const error = await rejectionOf(instance.get('/api/wallet'));

    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect(error).toMatchObject({ status: 503 });
    expect(apiRequests(fixture.fake)).toHaveLength(1);
    expect(logger.lines.filter((line) => /Retrying/.test(line.message))).toEqual([]);
  });

  it('still retries when the backoff fits the deadline (the check is not a blanket refusal)', async () => {
    const { tokens } = await fixture.start();
    const logger = new LogCapture();
    const instance = axios.create({ baseURL: fixture.fake.url });
    attachZumRailsAuth(instance, tokens, {
      requestTimeoutMs: 5_000,
      apiRetry: { initialDelayMs: 20, maxDelayMs: 20 },
      logger,
    });
    fixture.fake.failApi({ kind: 'status', status: 503 });

    await expect(instance.get('/api/wallet')).resolves.toMatchObject({ status: 200 });
    expect(apiRequests(fixture.fake)).toHaveLength(2);
    expect(logger.lines.filter((line) => /Retrying/.test(line.message))).toHaveLength(1);
  });
});
