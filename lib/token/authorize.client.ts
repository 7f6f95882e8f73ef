import { Inject, Injectable } from '@nestjs/common';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { Clock } from '../util/clock.js';
import { ZumRailsRateLimitedError } from '../errors/zumrails-auth.errors.js';
import type { ResolvedZumRailsAuthOptions } from '../options/zumrails-auth-options.interface.js';
import { ZumRailsTransport } from '../transport/zumrails-transport.js';
import { startDeadline } from '../util/abort.js';
import { SecretRedactor } from '../util/redact.js';
import { RESOLVED_OPTIONS, ZUMRAILS_CLOCK } from '../zumrails-auth.constants.js';
import { readCancelResponse, type CancelOutcome } from './cancel-response.js';
import { readLoginResponse, type LoginResult, type RawResponse } from './login-response.js';
import { capRetryAfter } from './retry-after.js';
import { transportFailure } from './transport-failure.js';

export const AUTHORIZE_PATH = '/api/authorize';
export const CANCEL_TOKEN_PATH = '/api/authorize/canceltoken';
/** Largest login or cancel answer read, counted after decompression; a real one is < 2 KB. */
export const MAX_AUTH_RESPONSE_BYTES = 64 * 1024;

/**
 * The two auth endpoints over HTTP. Uses a private axios instance so auth calls never pass
 * through the bearer interceptor, and turns every outcome into a login or a typed error whose
 * texts went through the module's {@link SecretRedactor}. Every call has an overall deadline
 * (connect, headers and body) and a body cap.
 */
@Injectable()
export class AuthorizeClient {
  private readonly http: AxiosInstance;
  /** Aborted at the end of shutdown: no login outlives the module. */
  private readonly closing = new AbortController();

  constructor(
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedZumRailsAuthOptions,
    @Inject(ZUMRAILS_CLOCK) private readonly clock: Clock,
    @Inject(ZumRailsTransport) transport: ZumRailsTransport,
    private readonly secrets: SecretRedactor,
  ) {
    this.http = axios.create({
      ...transport.axiosConfig,
      baseURL: options.baseUrl,
      timeout: options.requestTimeoutMs,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      // Every status is an answer to classify, and bodies are parsed here, not by axios.
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      // axios counts the decompressed bytes and stops reading past the cap (gzip bombs too).
      maxContentLength: MAX_AUTH_RESPONSE_BYTES,
      maxBodyLength: MAX_AUTH_RESPONSE_BYTES,
    });
  }

  /** `POST /api/authorize`. Resolves with the token or rejects with a `ZumRailsAuthError`. */
  async login(): Promise<LoginResult> {
    const body = { Username: this.options.username, Password: this.options.password };
    const response = await this.send(
      (signal) => this.http.post(AUTHORIZE_PATH, body, { signal }),
      this.options.requestTimeoutMs,
    );
    try {
      return readLoginResponse(response, this.clock.now(), this.secrets.with());
    } catch (error) {
      if (!(error instanceof ZumRailsRateLimitedError)) throw error;
      throw capRetryAfter(error, this.options.maxRetryAfterMs, Math.random());
    }
  }

  /**
   * `PATCH /api/authorize/canceltoken` for `token`. Resolves `already-invalid` on a 401.
   * @throws ZumRailsAuthError subclass when the cancel fails (see `readCancelResponse`).
   */
  async cancel(token: string, timeoutMs = this.options.requestTimeoutMs): Promise<CancelOutcome> {
    const response = await this.send(
      (signal) =>
        this.http.patch(CANCEL_TOKEN_PATH, undefined, {
          headers: { Authorization: `Bearer ${token}` },
          timeout: timeoutMs,
          signal,
        }),
      timeoutMs,
    );
    return readCancelResponse(response, this.clock.now(), this.secrets.with([token]));
  }

  /** Aborts every call in progress and refuses new ones (end of application shutdown). */
  close(): void {
    this.closing.abort();
  }

  private async send(
    call: (signal: AbortSignal) => Promise<AxiosResponse<unknown>>,
    timeoutMs: number,
  ): Promise<RawResponse> {
    let response: AxiosResponse<unknown>;
    const deadline = startDeadline(timeoutMs, this.closing.signal);
    try {
      response = await call(deadline.signal);
    } catch (error) {
      throw transportFailure(error, timeoutMs, deadline.signal);
    } finally {
      deadline.end();
    }
    const headers = response.headers;
    return {
      status: response.status,
      body: typeof response.data === 'string' ? response.data : '',
      headers: { get: (name) => headerValue(headers[name]) },
    };
  }
}

function headerValue(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.join(', ');
  return value === undefined || value === null ? undefined : String(value);
}
