import { Inject, Injectable } from '@nestjs/common';
import axios, { isAxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import {
  ZumRailsBadResponseError,
  ZumRailsShutDownError,
  ZumRailsUnavailableError,
  type ZumRailsError,
} from '../errors/zumrails.errors.js';
import { RESOLVED_OPTIONS } from '../options/account-name.js';
import type { ResolvedZumRailsAuthOptions } from '../options/zumrails-auth-options.interface.js';
import { describeTlsFailure } from '../transport/zumrails-transport.js';
import { ZumRailsTransport } from '../transport/zumrails-transport.js';
import { isDeadlineAbort, startDeadline } from '../util/waiting.js';
import { SecretRedactor } from '../util/redact.js';
import { SafeToLog } from '../logging/module-logger.js';
import {
  readCancelResponse,
  readLoginResponse,
  type CancelOutcome,
  type LoginResult,
  type RawResponse,
} from '../protocol/zumrails-protocol.js';
import { capRetryAfterMs } from './renewal-plan.js';

const AUTHORIZE_PATH = '/api/authorize';
const CANCEL_TOKEN_PATH = '/api/authorize/canceltoken';
/** Largest login or cancel answer read, counted after decompression; a real one is < 2 KB. */
const MAX_AUTH_RESPONSE_BYTES = 64 * 1024;

/**
 * The two auth endpoints over HTTP. Uses a private axios instance so auth calls never pass
 * through the bearer interceptor, and turns every outcome into a login or a typed error whose
 * texts went through the module's {@link SecretRedactor}. Every call has an overall deadline
 * (connect, headers and body) and a body cap.
 */
@Injectable()
@SafeToLog()
export class AuthorizeClient {
  private readonly http: AxiosInstance;
  /** Aborted at the end of shutdown: no login outlives the module. */
  private readonly closing = new AbortController();

  constructor(
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedZumRailsAuthOptions,
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

  /** `POST /api/authorize`. Resolves with the token or rejects with a `ZumRailsError`. */
  async login(): Promise<LoginResult> {
    const body = { Username: this.options.username, Password: this.options.password };
    try {
      const response = await this.send(
        (signal) => this.http.post(AUTHORIZE_PATH, body, { signal }),
        this.options.requestTimeoutMs,
      );
      const cap = (ms: number) => capRetryAfterMs(ms, this.options.maxRetryAfterMs, Math.random());
      return readLoginResponse(response, Date.now(), this.secrets.with(), cap);
    } catch (error) {
      throw nameWrongOrigin(error, this.options.baseUrl);
    }
  }

  /**
   * `PATCH /api/authorize/canceltoken` for `token`. Resolves `already-invalid` on a 401.
   * @throws ZumRailsError subclass when the cancel fails (see `readCancelResponse`).
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
    return readCancelResponse(response, Date.now(), this.secrets.with([token]));
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

/** A login answered "no such path", or a host that does not exist or listen: likely a wrong URL. */
const WRONG_URL_STATUSES = new Set([404, 405]);
const WRONG_HOST = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH)\b/;

/**
 * A login error that points at a wrong `baseUrl` or `environment` gets the origin it went to
 * (scheme, host and port only: never a path, never credentials) and the options to check.
 */
function nameWrongOrigin(error: unknown, baseUrl: string): unknown {
  const wrongUrl =
    (error instanceof ZumRailsBadResponseError && WRONG_URL_STATUSES.has(error.status ?? 0)) ||
    (error instanceof ZumRailsUnavailableError && WRONG_HOST.test(error.message));
  if (wrongUrl) {
    const origin = new URL(baseUrl).origin;
    (error as Error).message += ` (login at ${origin}: check the baseUrl or environment option)`;
  }
  return error;
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);
const TOO_LARGE = /^maxContentLength size of (\d+) exceeded$/;

/**
 * Maps a transport failure (no usable HTTP answer) to a secret-free error. The AxiosError
 * itself is dropped here: its config carries the request body (the password) and headers
 * (the bearer). `signal` is the call's deadline signal: its reason tells a deadline from a shutdown.
 */
function transportFailure(error: unknown, timeoutMs: number, signal?: AbortSignal): ZumRailsError {
  const code = isAxiosError(error) ? error.code : (error as { code?: unknown } | null)?.code;
  if (signal?.aborted) {
    if (isDeadlineAbort(signal)) return timedOut(timeoutMs);
    return new ZumRailsShutDownError();
  }
  const tooLarge = isAxiosError(error) ? TOO_LARGE.exec(error.message) : null;
  if (tooLarge) {
    return new ZumRailsBadResponseError(`response body larger than ${tooLarge[1]} bytes`);
  }
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return timedOut(timeoutMs);
  if (typeof code === 'string' && /^[A-Z][A-Z\d_]*$/.test(code)) {
    return new ZumRailsUnavailableError(describeTlsFailure(code) ?? `network error ${code}`);
  }
  return new ZumRailsUnavailableError('network error');
}

function timedOut(timeoutMs: number): ZumRailsUnavailableError {
  return new ZumRailsUnavailableError(`no answer within ${timeoutMs} ms (timeout)`);
}
