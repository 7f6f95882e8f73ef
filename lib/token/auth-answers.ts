import {
  ZumRailsBadResponseError,
  ZumRailsBlockedByIntermediaryError,
  ZumRailsCredentialsRejectedError,
  ZumRailsRateLimitedError,
  ZumRailsUnavailableError,
  type ZumRailsError,
} from '../errors/zumrails.errors.js';
import type { Redaction } from '../util/redact.js';
import {
  describeBody,
  readAnswer,
  vendorDetail,
  type AnswerVerdict,
  type RawResponse,
} from '../util/zumrails-envelope.js';
import { isBearerToken, type ZumRailsSession } from './issued-token.js';

/*
 * The answers of the two auth endpoints, read through the one verdict (`readAnswer`): a login
 * becomes a token or a typed error, a cancel an outcome or a typed error.
 */

/** Longest token accepted: a longer one would make every API call fail with HTTP 431. */
const MAX_TOKEN_CHARS = 8 * 1024;

/** `result` of a successful `POST /api/authorize`; unknown extra fields are ignored. */
interface AuthorizeResultWire {
  Token?: unknown;
  Role?: unknown;
  CustomerId?: unknown;
  CompanyName?: unknown;
  CustomerType?: unknown;
  Username?: unknown;
}

/** A successful login: the token and what the login said about the API user. */
export interface LoginResult {
  token: string;
  session: Omit<ZumRailsSession, 'issuedAt' | 'expiresAt'>;
}

/**
 * Maps an answer of `POST /api/authorize` to a login or a typed error (see `readAnswer`: only
 * a Zum Rails envelope can reject credentials), then checks `result.Token`. Every string taken
 * from the answer into an error or the session goes through `redaction` (the vendor may echo
 * the password back, in any encoding).
 */
export function readLoginResponse(
  response: RawResponse,
  now: number,
  redaction: Redaction,
  capWait: (ms: number) => number,
): LoginResult {
  const verdict = readAnswer(
    response.status,
    response.body,
    response.headers.get('retry-after'),
    now,
  );
  if (verdict.kind !== 'success' || !verdict.envelope) {
    throw answerError(verdict, response, redaction, 'login', capWait);
  }
  const result = (verdict.envelope.result ?? undefined) as AuthorizeResultWire | undefined;
  if (!result || typeof result.Token !== 'string' || result.Token.trim() === '') {
    throw new ZumRailsBadResponseError(
      'login succeeded but result.Token is missing',
      response.status,
    );
  }
  if (result.Token.length > MAX_TOKEN_CHARS) {
    throw new ZumRailsBadResponseError(
      `result.Token is ${result.Token.length} characters long (at most ${MAX_TOKEN_CHARS} accepted)`,
      response.status,
    );
  }
  if (!isBearerToken(result.Token)) {
    throw new ZumRailsBadResponseError(
      'result.Token has characters a bearer token cannot have (whitespace, control or non-ASCII characters)',
      response.status,
    );
  }
  return {
    token: result.Token,
    session: {
      role: text(result.Role, redaction),
      customerId: text(result.CustomerId, redaction),
      companyName: text(result.CompanyName, redaction),
      customerType: text(result.CustomerType, redaction),
      username: text(result.Username, redaction),
    },
  };
}

/**
 * The typed error of an auth answer that is no usable envelope (`what`: `login` or
 * `canceltoken`). A `rejected` verdict is the caller's business (credentials for a login, a
 * dead token for a cancel). Vendor texts are taken from the redacted envelope.
 */
function answerError(
  verdict: AnswerVerdict,
  response: RawResponse,
  redaction: Redaction,
  what: 'login' | 'canceltoken',
  capWait: (ms: number) => number = (ms) => ms,
): ZumRailsError {
  const { status, envelope } = verdict;
  const retryAfter = verdict.retryAfterMs === undefined ? undefined : capWait(verdict.retryAfterMs);
  const detail = vendorDetail(envelope, redaction);
  const suffix = detail ? ` (${detail})` : '';
  switch (verdict.kind) {
    case 'rejected':
      return new ZumRailsCredentialsRejectedError(status, detail);
    case 'blocked':
      return new ZumRailsBlockedByIntermediaryError(
        status,
        // The body of a 407 may echo the proxy credentials: never described.
        status === 407
          ? 'the proxy requires authentication (Proxy Authentication Required): check the ' +
              'credentials of transport.proxy or of the proxy URL'
          : describeBody(response, redaction),
      );
    case 'rate-limited':
      return new ZumRailsRateLimitedError(
        capWait(verdict.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS),
      );
    case 'transient':
      return new ZumRailsUnavailableError(
        (what === 'login' ? '' : 'could not cancel the token: ') +
          (envelope ? `HTTP ${status}${suffix}` : describeBody(response, redaction)),
        response.status,
        retryAfter,
      );
    default:
      if (!envelope) {
        const body = describeBody(response, redaction);
        return new ZumRailsBadResponseError(
          what === 'login' ? body : `canceltoken answered ${body}`,
          response.status,
        );
      }
      return new ZumRailsBadResponseError(
        what === 'login'
          ? `isError with statusCode ${status}${detail ? `: ${detail}` : ''}`
          : `canceltoken answered HTTP ${status}${suffix}`,
        response.status,
      );
  }
}

/** Zum Rails blocks an IP for 5 minutes after a quota breach; wait that long without Retry-After. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 5 * 60_000;

function text(value: unknown, redaction: Redaction): string | undefined {
  return typeof value === 'string' ? redaction.text(value) : undefined;
}

/**
 * How a cancel ended: `cancelled` (Zum Rails confirmed), or `already-invalid` (Zum Rails said
 * 401: the token was expired, cancelled or unknown already, so it is as dead as a cancel would
 * make it).
 */
export type CancelOutcome = 'cancelled' | 'already-invalid';

/**
 * Maps an answer of `PATCH /api/authorize/canceltoken`. Not the login mapping: a 401 envelope
 * here is about the token being cancelled, never about the username and password, and it is
 * not an error (the token is dead either way). Vendor texts go through `redaction`, which
 * knows the token being cancelled: the vendor may echo the bearer it received.
 * @throws ZumRailsRateLimitedError on 429, ZumRailsUnavailableError on 5xx/408,
 *   ZumRailsBlockedByIntermediaryError on a 401/403 page that is no envelope,
 *   ZumRailsBadResponseError on any other failure (a 403 envelope, 400, `isError`, a 2xx page).
 */
export function readCancelResponse(
  response: RawResponse,
  now: number,
  redaction: Redaction,
): CancelOutcome {
  const verdict = readAnswer(
    response.status,
    response.body,
    response.headers.get('retry-after'),
    now,
  );
  if (verdict.kind === 'rejected' && verdict.status === 401) return 'already-invalid';
  const page = verdict.kind === 'success' && !verdict.envelope && response.body.trim() !== '';
  if (verdict.kind === 'success' && !page) return 'cancelled';
  throw answerError(
    verdict.kind === 'rejected' ? { ...verdict, kind: 'failed' } : verdict,
    response,
    redaction,
    'canceltoken',
  );
}
