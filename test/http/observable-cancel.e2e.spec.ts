import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { HttpService } from '@nestjs/axios';
import { isCancel, type CancelToken } from 'axios';
import { firstValueFrom } from 'rxjs';
import { ZumRailsHttpService } from '../../lib/index.js';
import {
  PARITY_SCENARIOS,
  expectedOfOurs,
  observeBoth,
  type ParityServices,
} from '../support/observable-parity/check-parity.js';
import {
  startParityServer,
  type ParityServer,
} from '../support/observable-parity/parity-server.js';
import { until } from '../support/zumrails-assertions.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import type { AuthApp } from '../support/auth-app.js';

describe('ZumRailsHttpService Observables', () => {
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
});

// Stock HttpService and ZumRailsHttpService over bare axios instances, so makeObservable is the
// only difference (see its TSDoc). The consumer apps run the same scenarios on @nestjs/axios 4.
describe('ZumRailsHttpService Observables, compared with @nestjs/axios HttpService', () => {
  const services: ParityServices = {
    stock: (instance) => new HttpService(instance),
    ours: (instance) => new ZumRailsHttpService(instance),
  };
  let server: ParityServer;
  beforeAll(async () => {
    server = await startParityServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it.each(PARITY_SCENARIOS.map((scenario) => [scenario.name, scenario] as const))(
    '%s',
    async (_name, scenario) => {
      const { stock, ours } = await observeBoth(scenario, services, server);
      expect(stock).toEqual(scenario.expected);
      expect(ours).toEqual(expectedOfOurs(scenario));
    },
  );
});
