import { describe, expect, it } from '@jest/globals';
import axios from 'axios';
import { firstValueFrom } from 'rxjs';
import { ZumRailsClient, ZumRailsHttpError } from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { rejectionOf } from '../support/zumrails-assertions.js';

/**
 * The overall deadline aborts a call through whichever abort slot its caller left free (see
 * request-deadline.ts): each way is proved here against a call that hangs, and the caller's own
 * abort keeps working beside it.
 */
describe('overall deadline, whatever the caller passes to abort', () => {
  const fixture = useFakeZumRails({}, { requestTimeoutMs: 3_000, revokeOnShutdown: false });

  async function hangingApi() {
    const subject = await fixture.start();
    await firstValueFrom(subject.http.get('/api/wallet')); // a token first
    fixture.fake.failApi({ kind: 'hang' });
    return { subject, client: subject.app.get(ZumRailsClient) };
  }

  it('ends a ZumRailsClient call (nothing of the caller) as a timeout', async () => {
    const { client } = await hangingApi();
    const error = await rejectionOf(client.get('/api/wallet', { zumRailsTimeoutMs: 200 }));
    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect(error).toMatchObject({
      code: 'unavailable',
      cause: expect.objectContaining({ code: 'ECONNABORTED' }),
      message: expect.stringMatching(/200 ms/),
    });
  });

  it("ends a call that carries the caller's own cancelToken as a timeout", async () => {
    const { client } = await hangingApi();
    const source = axios.CancelToken.source();
    const call = client.get('/api/wallet', { zumRailsTimeoutMs: 200, cancelToken: source.token });
    const error = await rejectionOf(call);
    expect(error).toMatchObject({
      code: 'unavailable',
      cause: expect.objectContaining({ code: 'ECONNABORTED' }),
      message: expect.stringMatching(/200 ms/),
    });
    expect(source.token.reason).toBeUndefined(); // the caller's token is the caller's
  });

  it("keeps the caller's own cancelToken working next to the deadline", async () => {
    const { client } = await hangingApi();
    const source = axios.CancelToken.source();
    const call = client.get('/api/wallet', { cancelToken: source.token });
    setTimeout(() => source.cancel('changed my mind'), 20);
    const error = await rejectionOf(call);
    expect(error).toMatchObject({ code: 'cancelled' });
  });

  it('ends a call that carries both a signal and a cancelToken of the caller as a timeout', async () => {
    const { client } = await hangingApi();
    const controller = new AbortController();
    const source = axios.CancelToken.source();
    const call = client.get('/api/wallet', {
      zumRailsTimeoutMs: 200,
      signal: controller.signal,
      cancelToken: source.token,
    });
    const error = await rejectionOf(call);
    expect(error).toMatchObject({
      code: 'unavailable',
      cause: expect.objectContaining({ code: 'ECONNABORTED' }),
      message: expect.stringMatching(/200 ms/),
    });
    expect(controller.signal.aborted).toBe(false);
  });

  it('keeps the signal of a caller that passes both working next to the deadline', async () => {
    const { client } = await hangingApi();
    const controller = new AbortController();
    const source = axios.CancelToken.source();
    const call = client.get('/api/wallet', {
      signal: controller.signal,
      cancelToken: source.token,
    });
    setTimeout(() => controller.abort(), 20);
    const error = await rejectionOf(call);
    expect(error).toMatchObject({ code: 'cancelled' });
  });

  it('lets a settled call go: its deadline never fires afterwards', async () => {
    const subject = await fixture.start();
    const response = await subject.http.axiosRef.get('/api/wallet', { zumRailsTimeoutMs: 50 });
    const deadline = response.config.zumRailsDeadline;
    expect(deadline?.expired).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(deadline?.expired).toBe(false);
    expect(response.config.cancelToken?.reason).toBeUndefined();
  });
});
