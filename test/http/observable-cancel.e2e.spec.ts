import { beforeEach, describe, expect, it } from '@jest/globals';
import { isCancel, type CancelToken } from 'axios';
import { firstValueFrom } from 'rxjs';
import { ZumRailsHttpError } from '../../lib/index.js';
import { rejectionOf, until } from '../support/zumrails-assertions.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import type { AuthApp } from '../support/auth-app.js';

const fixture = useFakeZumRails({}, { revokeOnShutdown: false });
let subject: AuthApp;
let tokens: CancelToken[];

beforeEach(async () => {
  subject = await fixture.start();
  tokens = [];
  subject.http.axiosRef.interceptors.request.use((config) => {
    if (config.cancelToken) tokens.push(config.cancelToken);
    return config;
  });
});

describe('ZumRailsHttpService Observables', () => {
  it('cancel the request when the subscriber unsubscribes before the answer', async () => {
    await firstValueFrom(subject.http.get('/api/wallet'));
    fixture.fake.failApi({ kind: 'hang' });
    const seen = new Promise<unknown>((resolve) => {
      const subscription = subject.http.get('/api/wallet').subscribe({ error: resolve });
      void until(() => fixture.fake.counters.apiCalls === 2).then(() => {
        subscription.unsubscribe();
        resolve('unsubscribed');
      });
    });
    expect(await seen).toBe('unsubscribed');
    const hung = tokens.at(-1);
    await until(() => hung?.reason !== undefined);
    expect(isCancel(hung?.reason)).toBe(true);
  });

  it('do not cancel a call that has already answered', async () => {
    await firstValueFrom(subject.http.get('/api/wallet'));
    await firstValueFrom(subject.http.post('/api/transaction', { Amount: 1 }));
    expect(tokens).toHaveLength(2);
    for (const token of tokens) expect(token.reason).toBeUndefined();
  });

  it('do not cancel a call that has already failed, and pass its error on', async () => {
    await firstValueFrom(subject.http.get('/api/wallet'));
    fixture.fake.failApi({ kind: 'status', status: 500 });
    const error = await rejectionOf(firstValueFrom(subject.http.get('/api/wallet')));
    expect(error).toBeInstanceOf(ZumRailsHttpError);
    expect((error as ZumRailsHttpError).status).toBe(500);
    expect(tokens.at(-1)?.reason).toBeUndefined();
  });

  it('keep a cancel token the caller passes in', async () => {
    const source = (await import('axios')).default.CancelToken.source();
    await firstValueFrom(subject.http.get('/api/wallet', { cancelToken: source.token }));
    expect(tokens.at(-1)).toBe(source.token);
  });
});
