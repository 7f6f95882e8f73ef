import { HttpService } from '@nestjs/axios';
import type { InternalAxiosRequestConfig } from 'axios';
import { firstValueFrom } from 'rxjs';
import { startApp } from './app.js';
import { API_PATH, authRefreshClient, keepAliveAgent, loginOnce, plainClient } from './clients.js';
import { startFake, type FakePlacement } from './fake-host.js';

/** A small success envelope, as Zum Rails sends (the client unwraps `result`). */
const ENVELOPE = {
  statusCode: 200,
  message: 'GET Request successful.',
  isError: false,
  result: [],
};

/** Answers at once: what remains is the client's own work per request. */
const stubAdapter = (config: InternalAxiosRequestConfig) =>
  Promise.resolve({
    data: ENVELOPE,
    status: 200,
    statusText: 'OK',
    headers: {},
    config,
    request: {},
  });

/** The clients of scenario 1 on a stub adapter (no network), ready to call. */
export interface CpuVariants {
  readonly calls: Readonly<Record<CpuVariantKey, () => Promise<unknown>>>;
  close(): Promise<void>;
}

export const CPU_VARIANT_KEYS = ['a', 'a2', 'b', 'b2', 'c', 'd'] as const;
export type CpuVariantKey = (typeof CPU_VARIANT_KEYS)[number];

/**
 * (a) plain axios, (a2) stock `HttpService` over it, (b) `ZumRailsHttpService`, (b2) its
 * `axiosRef`, (c) axios-auth-refresh, (d) `ZumRailsClient.get`, each with the stub adapter. The
 * fake serves only the logins.
 */
export async function startCpuVariants(placement: FakePlacement): Promise<CpuVariants> {
  const fake = await startFake(placement);
  const agent = keepAliveAgent();
  const app = await startApp(fake, agent, { startup: 'blocking', revokeOnShutdown: false });
  const plain = plainClient(fake, agent, await loginOnce(fake, agent));
  const refresh = authRefreshClient(fake, agent);
  for (const instance of [plain, app.http.axiosRef, refresh.instance]) {
    instance.defaults.adapter = stubAdapter;
  }
  const nest = new HttpService(plain);
  return {
    calls: {
      a: () => plain.get(API_PATH),
      a2: () => firstValueFrom(nest.get(API_PATH)),
      b: app.get,
      b2: () => app.http.axiosRef.get(API_PATH),
      c: () => refresh.instance.get(API_PATH),
      d: app.clientGet,
    },
    async close() {
      await app.app.close();
      agent.destroy();
      await fake.stop();
    },
  };
}
