import { expect } from '@jest/globals';
import { inspect } from 'node:util';
import { filter, firstValueFrom } from 'rxjs';
import {
  ZumRailsHealthIndicator,
  type ZumRailsTokenService,
  type ZumRailsTokenEvent,
} from '../../lib/index.js';
import type { FakeZumRails, RecordedRequest } from '../../lib/testing/index.js';
import type { AuthApp } from './auth-app.js';

/** The bearer token a recorded request carried, if any. */
export function bearerOf(request: RecordedRequest | undefined): string | undefined {
  const header = request?.headers.authorization;
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/** Recorded requests to protected API paths (not login or canceltoken). */
export function apiRequests(fake: FakeZumRails): RecordedRequest[] {
  return fake.requests.filter(
    (request) => !request.path.toLowerCase().startsWith('/api/authorize'),
  );
}

/** Every secret the fake knows: each issued token and the password. */
export function secretsOf(fake: FakeZumRails): string[] {
  return [...fake.issuedTokens(), fake.password];
}

/**
 * The one wait of the suite: polls `condition` (sync or async) every 10 ms and throws, naming
 * `what`, once `timeoutMs` passed. Waits for an event instead of sleeping a wall-clock margin.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 3_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The rejection of `promise`; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, got a value');
}

/**
 * The ways a secret can be written in a rendering: raw, URL-encoded and every character as
 * `\uXXXX`, each also as `JSON.stringify` and `util.inspect` escape it inside an enclosing
 * value (so a quote, a backslash or an escaped form rendered once more is still found).
 */
export function secretForms(secret: string): string[] {
  const base = [secret, [...secret].map((char) => escapeUnits(char)).join('')];
  try {
    base.push(encodeURIComponent(secret));
  } catch {
    // A lone surrogate cannot be URL-encoded, so it cannot leak that way either.
  }
  const forms = new Set<string>();
  for (const form of base) {
    forms.add(form);
    forms.add(JSON.stringify(form).slice(1, -1));
    forms.add(inspect(form).slice(1, -1));
  }
  return [...forms].filter((form) => form !== '');
}

function escapeUnits(char: string): string {
  let out = '';
  for (let i = 0; i < char.length; i++) {
    out += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
  }
  return out;
}

/** What {@link expectNoSecrets} scans. */
export interface LeakScan {
  /** Thrown errors: message, stack, String(), JSON.stringify and util.inspect (hidden too). */
  errors?: readonly unknown[];
  /** A started app: getStatus(), getSession(), every event since start and every log line. */
  app?: AuthApp;
  /** Also the health indicator's answer (it may log in when no login was tried lately). */
  health?: boolean;
  /** Anything else the test captured, rendered with JSON.stringify and util.inspect. */
  values?: Record<string, unknown>;
}

/** Every rendering the scan covers, by name. */
export async function renderingsOf(scan: LeakScan): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const render = (name: string, value: unknown): void => {
    out.set(`JSON.stringify(${name})`, stringified(value));
    out.set(`inspect(${name})`, inspect(value, { depth: Infinity }));
    out.set(`inspect(${name}, showHidden)`, inspect(value, { depth: Infinity, showHidden: true }));
  };
  (scan.errors ?? []).forEach((error, index) => {
    const name = `errors[${index}]`;
    const err = error as Error | undefined;
    out.set(`${name}.message`, String(err?.message));
    out.set(`${name}.stack`, String(err?.stack));
    out.set(`String(${name})`, String(error));
    render(name, error);
  });
  if (scan.app) {
    const { tokens, logs, events, app } = scan.app;
    render('getStatus()', tokens.getStatus());
    render('getSession()', tokens.getSession());
    render('events', events);
    out.set('logs', logs.text());
    if (scan.health) render('health', await app.get(ZumRailsHealthIndicator).isHealthy());
  }
  for (const [name, value] of Object.entries(scan.values ?? {})) render(name, value);
  return out;
}

/** `JSON.stringify(value)`, or its error's message when it throws (a circular value): what an app logging it gets. */
function stringified(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch (error) {
    return `JSON.stringify threw: ${(error as Error).message}`;
  }
}

/**
 * Fails, naming the rendering and the form, when any form of any of `secrets` appears in any
 * rendering of the scan. The one check every secrecy test uses.
 */
export async function expectNoSecrets(secrets: readonly string[], scan: LeakScan): Promise<void> {
  expect(secrets.length).toBeGreaterThan(0);
  const renderings = await renderingsOf(scan);
  expect(renderings.size).toBeGreaterThan(0);
  for (const [index, secret] of secrets.entries()) {
    expect(secret.length).toBeGreaterThan(0);
    for (const form of secretForms(secret)) {
      for (const [name, text] of renderings) {
        if (text.includes(form)) {
          throw new Error(`${name} contains secret #${index} (form ${JSON.stringify(form)})`);
        }
      }
    }
  }
}

/**
 * The outcome of `promise`, or a failure naming `what` once `timeoutMs` passed: a guarantee
 * that never comes fails as an assertion that says which, not through Jest's test timeout.
 */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: did not happen within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The next event of `type` from `tokens`, failing (naming it) when none comes within `timeoutMs`. */
export function nextEvent<K extends ZumRailsTokenEvent['type']>(
  tokens: ZumRailsTokenService,
  type: K,
  timeoutMs: number,
  accept: (event: Extract<ZumRailsTokenEvent, { type: K }>) => boolean = () => true,
): Promise<Extract<ZumRailsTokenEvent, { type: K }>> {
  const event = firstValueFrom(
    tokens.events$.pipe(
      filter(
        (candidate): candidate is Extract<ZumRailsTokenEvent, { type: K }> =>
          candidate.type === type && accept(candidate as Extract<ZumRailsTokenEvent, { type: K }>),
      ),
    ),
  );
  return within(event, timeoutMs, `a '${type}' event`);
}
