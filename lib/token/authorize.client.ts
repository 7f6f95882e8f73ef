import { Inject, Injectable } from '@nestjs/common';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { Clock } from '../clock.js';
import type { ResolvedZumRailsAuthOptions } from '../options/zumrails-auth-options.interface.js';
import { ZumRailsTransport } from '../transport/zumrails-transport.js';
import { RESOLVED_OPTIONS, ZUMRAILS_CLOCK } from '../zumrails-auth.constants.js';
import {
  envelopeFailure,
  readLoginResponse,
  type LoginResult,
  type RawResponse,
} from './login-response.js';
import { transportFailure } from './transport-failure.js';
import { parseEnvelope } from './zumrails-envelope.js';

export const AUTHORIZE_PATH = '/api/authorize';
export const CANCEL_TOKEN_PATH = '/api/authorize/canceltoken';

/**
 * The two auth endpoints over HTTP. Uses a private axios instance so auth calls never pass
 * through the bearer interceptor, and turns every outcome into a login or a typed error.
 */
@Injectable()
export class AuthorizeClient {
  private readonly http: AxiosInstance;

  constructor(
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedZumRailsAuthOptions,
    @Inject(ZUMRAILS_CLOCK) private readonly clock: Clock,
    @Inject(ZumRailsTransport) transport: ZumRailsTransport,
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
    });
  }

  /** `POST /api/authorize`. Resolves with the token or rejects with a `ZumRailsAuthError`. */
  async login(): Promise<LoginResult> {
    const body = { Username: this.options.username, Password: this.options.password };
    const response = await this.send(
      () => this.http.post(AUTHORIZE_PATH, body),
      this.options.requestTimeoutMs,
    );
    // Error texts are the vendor's: never let one that echoes the password reach a message.
    const answer = redact(response.body, this.options.password);
    return readLoginResponse({ ...response, body: answer }, this.clock.now());
  }

  /** `PATCH /api/authorize/canceltoken` for `token`. Rejects with a `ZumRailsAuthError`. */
  async cancel(token: string, timeoutMs = this.options.requestTimeoutMs): Promise<void> {
    const response = await this.send(
      () =>
        this.http.patch(CANCEL_TOKEN_PATH, undefined, {
          headers: { Authorization: `Bearer ${token}` },
          timeout: timeoutMs,
        }),
      timeoutMs,
    );
    const failure = envelopeFailure(response, parseEnvelope(response.body), this.clock.now());
    if (failure) throw failure;
  }

  private async send(
    call: () => Promise<AxiosResponse<unknown>>,
    timeoutMs: number,
  ): Promise<RawResponse> {
    let response: AxiosResponse<unknown>;
    try {
      response = await call();
    } catch (error) {
      throw transportFailure(error, timeoutMs);
    }
    const headers = response.headers;
    return {
      status: response.status,
      body: typeof response.data === 'string' ? response.data : '',
      headers: { get: (name) => headerValue(headers[name]) },
    };
  }
}

function redact(text: string, secret: string): string {
  return text.includes(secret) ? text.split(secret).join('[redacted]') : text;
}

function headerValue(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.join(', ');
  return value === undefined || value === null ? undefined : String(value);
}
