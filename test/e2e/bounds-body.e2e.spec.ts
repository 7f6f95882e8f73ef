import { describe, expect, it } from '@jest/globals';
import { firstValueFrom } from 'rxjs';
import { ZumRailsBadResponseError } from '../../lib/index.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { rejectionOf } from '../support/zumrails-assertions.js';

const MB = 1024 * 1024;

/** Item 5 of issue 11: bodies are capped, also while decompressing; vendor text is cut. */
describe('bounds: response bodies and vendor text', () => {
  const fixture = useFakeZumRails();

  it('refuses a 5 MB login body as a bad response', async () => {
    const subject = await fixture.start();
    fixture.fake.failLogin({ kind: 'huge-body', bytes: 5 * MB });
    const error = await rejectionOf(subject.tokens.refresh());
    expect(error).toBeInstanceOf(ZumRailsBadResponseError);
    expect((error as Error).message).toMatch(/larger than 65536 bytes/);
  });

  it('stops inflating a gzip login body at the cap (a few KB on the wire, 8 MB inflated)', async () => {
    // The fake gzips per request: a deadline with room, so a loaded machine cannot turn the
    // cap into a timeout ("unavailable").
    const subject = await fixture.start({ requestTimeoutMs: 15_000, tokenWaitTimeoutMs: 20_000 });
    fixture.fake.failLogin({ kind: 'huge-body', bytes: 8 * MB, gzip: true });
    const error = await rejectionOf(subject.tokens.refresh());
    expect(error).toBeInstanceOf(ZumRailsBadResponseError);
    expect((error as Error).message).toMatch(/larger than 65536 bytes/);
  });

  it('caps a cancel answer too', async () => {
    const subject = await fixture.start({ requestTimeoutMs: 15_000, tokenWaitTimeoutMs: 20_000 });
    await subject.tokens.getToken();
    fixture.fake.failCancel({ kind: 'huge-body', bytes: MB, gzip: true, status: 200 });
    const error = await rejectionOf(subject.tokens.cancelToken());
    expect(error).toBeInstanceOf(ZumRailsBadResponseError);
    // Refused for its size, not read whole and then found wrong.
    expect((error as Error).message).toMatch(/larger than 65536 bytes/);
  });

  it('cuts a long exceptionMessage in the error, the status and the log', async () => {
    const subject = await fixture.start();
    fixture.fake.failLogin({ kind: 'huge-body', bytes: 40_000 }); // under the body cap
    const error = await rejectionOf(subject.tokens.refresh());
    expect(error).toMatchObject({ code: 'unavailable' });
    expect((error as Error).message.length).toBeLessThan(500);
    expect((error as Error).message).toMatch(/more characters cut/);
    expect(subject.tokens.getStatus().lastError!.message.length).toBeLessThan(500);
    for (const line of subject.logs.lines) expect(line.message.length).toBeLessThan(800);
  });

  it('caps API answers of ZumRailsHttpService after decompression (per-request maxContentLength)', async () => {
    const { http } = await fixture.start({ requestTimeoutMs: 15_000, tokenWaitTimeoutMs: 20_000 });
    fixture.fake.failApi({ kind: 'huge-body', bytes: MB, gzip: true, status: 200 });
    const error = await rejectionOf(
      firstValueFrom(http.get('/api/wallet', { maxContentLength: 10_000 })),
    );
    expect(error).toMatchObject({ message: expect.stringMatching(/maxContentLength/) });
  });
});
