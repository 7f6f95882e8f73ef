import { describe, expect, it } from '@jest/globals';
import { ZumRailsConfigError } from '../../../lib/errors/zumrails.errors.js';
import { resolveOptions } from '../../../lib/options/resolve-options.js';
import type { ZumRailsAuthOptions } from '../../../lib/options/zumrails-auth-options.interface.js';

const SECRET = 'pa55-w0rd-do-not-echo';
const base: ZumRailsAuthOptions = { username: 'api-user', password: SECRET };
const FIVE_MINUTES = 300_000;

function rulesOf(options: Partial<ZumRailsAuthOptions>) {
  return resolveOptions({ ...base, ...options }).rateLimits;
}

function failure(rateLimits: unknown): ZumRailsConfigError {
  try {
    rulesOf({ baseUrl: 'http://127.0.0.1:1', rateLimits: rateLimits as false });
  } catch (error) {
    expect(error).toBeInstanceOf(ZumRailsConfigError);
    return error as ZumRailsConfigError;
  }
  throw new Error('expected a ZumRailsConfigError');
}

describe('rateLimits option (resolution, no network)', () => {
  it('defaults to the vendor limits of production: filter endpoints and GET /api/transaction/*', () => {
    const expected = [
      { path: '/api/*/filter', limit: 100, windowMs: FIVE_MINUTES },
      { path: '/api/transaction/*', methods: ['GET'], limit: 100, windowMs: FIVE_MINUTES },
    ];
    expect(rulesOf({ environment: 'production' }).rules).toEqual(expected);
    expect(rulesOf({ baseUrl: 'https://api-app.zumrails.com/' }).rules).toEqual(expected);
  });

  it('defaults to 300 per 5 min on everything in sandbox', () => {
    expect(rulesOf({ environment: 'sandbox' })).toEqual({
      rules: [{ path: '/api/*', limit: 300, windowMs: FIVE_MINUTES }],
      maxWaitMs: FIVE_MINUTES,
    });
  });

  it('has no default rule for any other base URL (a fake, a proxy)', () => {
    expect(rulesOf({ baseUrl: 'http://127.0.0.1:4010' }).rules).toEqual([]);
    expect(rulesOf({ baseUrl: 'https://zumrails-proxy.example.com' }).rules).toEqual([]);
  });

  it('replaces the defaults with the rules given, and false turns them off', () => {
    const rule = { path: '/api/wallet', methods: ['get'], limit: 5, windowMs: 1_000 };
    expect(rulesOf({ environment: 'production', rateLimits: { rules: [rule] } })).toEqual({
      rules: [{ ...rule, methods: ['GET'] }],
      maxWaitMs: FIVE_MINUTES,
    });
    expect(rulesOf({ environment: 'production', rateLimits: false }).rules).toEqual([]);
    expect(rulesOf({ environment: 'sandbox', rateLimits: { maxWaitMs: 0 } })).toEqual({
      rules: [{ path: '/api/*', limit: 300, windowMs: FIVE_MINUTES }],
      maxWaitMs: 0,
    });
  });

  it.each([
    ['rateLimits', 'yes', /must be an object \{ rules\?, maxWaitMs\? \} or false/],
    ['rateLimits', [], /must be an object \{ rules\?, maxWaitMs\? \} or false/],
    ['rateLimits.rules', { rules: 'x' }, /array of at most 50 rules/],
    ['rateLimits.rules[0]', { rules: [null] }, /path, methods\?, limit, windowMs/],
    [
      'rateLimits.rules[0].path',
      { rules: [{ path: 'api/x', limit: 1, windowMs: 1000 }] },
      /starting with \//,
    ],
    [
      'rateLimits.rules[0].path',
      { rules: [{ path: '/api/tr*', limit: 1, windowMs: 1000 }] },
      /whole segment/,
    ],
    [
      'rateLimits.rules[0].path',
      { rules: [{ path: '/api//x', limit: 1, windowMs: 1000 }] },
      /single slashes/,
    ],
    [
      'rateLimits.rules[0].path',
      { rules: [{ path: '/api/x?y=1', limit: 1, windowMs: 1000 }] },
      /without query/,
    ],
    [
      'rateLimits.rules[0].limit',
      { rules: [{ path: '/api/*', limit: 0, windowMs: 1000 }] },
      /integer from 1/,
    ],
    [
      'rateLimits.rules[0].limit',
      { rules: [{ path: '/api/*', limit: 1.5, windowMs: 1000 }] },
      /integer from 1/,
    ],
    [
      'rateLimits.rules[1].windowMs',
      {
        rules: [
          { path: '/a', limit: 1, windowMs: 100 },
          { path: '/b', limit: 1, windowMs: 10 },
        ],
      },
      /from 100 to 86400000/,
    ],
    [
      'rateLimits.rules[0].methods',
      { rules: [{ path: '/a', methods: ['FETCH'], limit: 1, windowMs: 100 }] },
      /HTTP methods/,
    ],
    [
      'rateLimits.rules[0].methods',
      { rules: [{ path: '/a', methods: [], limit: 1, windowMs: 100 }] },
      /non-empty/,
    ],
    ['rateLimits.maxWaitMs', { maxWaitMs: -1 }, /integer from 0 to 3600000/],
    ['rateLimits.maxWaitMs', { maxWaitMs: '5' }, /integer from 0/],
  ])('names %s when it is invalid', (field, value, problem) => {
    const error = failure(value);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(problem);
  });

  it('never echoes the password in a rule error (two settings swapped)', () => {
    const error = failure({ rules: [{ path: SECRET, limit: 1, windowMs: 1000 }] });
    expect(error.field).toBe('rateLimits.rules[0].path');
    expect(error.message).not.toContain(SECRET);
  });
});
