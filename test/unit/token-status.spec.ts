import { describe, expect, it } from '@jest/globals';
import { deriveState, type TokenStateFacts } from '../../lib/token/token-status.js';

const base: TokenStateFacts = {
  stopped: false,
  hasValidToken: false,
  acquisitionInFlight: false,
  lastErrorCode: undefined,
  expired: false,
};

describe('deriveState', () => {
  it.each<[string, Partial<TokenStateFacts>]>([
    ['idle', {}],
    ['acquiring', { acquisitionInFlight: true }],
    ['valid', { hasValidToken: true }],
    ['renewing', { hasValidToken: true, acquisitionInFlight: true }],
    ['degraded', { hasValidToken: true, lastErrorCode: 'unavailable' }],
    ['failing', { lastErrorCode: 'unavailable' }],
    ['credentials-rejected', { lastErrorCode: 'credentials-rejected' }],
    ['expired', { expired: true }],
    ['stopped', { stopped: true, hasValidToken: true }],
  ])('is %s', (state, facts) => {
    expect(deriveState({ ...base, ...facts })).toBe(state);
  });
});
