import { Agent } from 'node:http';
import axios, { type AxiosError, type AxiosInstance } from 'axios';
import { createAuthRefresh } from 'axios-auth-refresh';
import type { FakeHost } from './fake-host.js';

/** The path every load request GETs: the fake's wallet list (a small JSON envelope). */
export const API_PATH = '/api/wallet';
/** Same timeout and content type as the instance `ZumRailsHttpService` creates. */
const TIMEOUT_MS = 10_000;
const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** The keep-alive agent shared by every client of one comparison. */
export function keepAliveAgent(maxSockets = Infinity): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

/** Logs in once with a throwaway client; returns the bearer. */
export async function loginOnce(fake: FakeHost, agent: Agent): Promise<string> {
  const { data } = await axios.post<{ result: { Token: string } }>(
    `${fake.url}/api/authorize`,
    { Username: fake.username, Password: fake.password },
    { httpAgent: agent, timeout: TIMEOUT_MS },
  );
  return data.result.Token;
}

/** Baseline (a): a plain axios instance with a static `Authorization` header. */
export function plainClient(fake: FakeHost, agent: Agent, token: string): AxiosInstance {
  return axios.create({
    baseURL: fake.url,
    timeout: TIMEOUT_MS,
    httpAgent: agent,
    headers: { ...JSON_HEADERS, Authorization: `Bearer ${token}` },
  });
}

type RefreshTarget = Parameters<typeof createAuthRefresh>[0];

/** A client configured the way axios-auth-refresh's README recommends, plus login counting. */
export interface AuthRefreshClient {
  readonly instance: AxiosInstance;
  /** Times refreshAuthLogic ran (each one is a login). */
  refreshes: number;
}

/**
 * Baseline (c): `createAuthRefresh(instance, refreshAuthLogic)` with default options
 * (`statusCodes: [401]`, `deduplicateRefresh: true`), and the README's request interceptor
 * that reads the latest token for every request. The README's `refreshAuthLogic` posts with the
 * global axios; here a separate instance on the same agent does, so all clients share one pool.
 * It starts without a token: the first request gets a 401 and triggers the first login.
 */
export function authRefreshClient(fake: FakeHost, agent: Agent): AuthRefreshClient {
  let token = '';
  const login = axios.create({ baseURL: fake.url, timeout: TIMEOUT_MS, httpAgent: agent });
  const instance = axios.create({
    baseURL: fake.url,
    timeout: TIMEOUT_MS,
    httpAgent: agent,
    headers: JSON_HEADERS,
  });
  const client: AuthRefreshClient = { instance, refreshes: 0 };
  const refreshAuthLogic = (failedRequest: AxiosError) => {
    client.refreshes++;
    return login
      .post<{ result: { Token: string } }>('/api/authorize', {
        Username: fake.username,
        Password: fake.password,
      })
      .then((response) => {
        token = response.data.result.Token;
        if (failedRequest.response) {
          failedRequest.response.config.headers['Authorization'] = `Bearer ${token}`;
        }
        return Promise.resolve();
      });
  };
  // Its typings resolve axios' CommonJS declarations; the instance is the same at runtime.
  createAuthRefresh(instance as unknown as RefreshTarget, refreshAuthLogic);
  instance.interceptors.request.use((request) => {
    request.headers['Authorization'] = `Bearer ${token}`;
    return request;
  });
  return client;
}
