import { describe, expect, it } from '@jest/globals';
import {
  deriveState,
  TOKEN_LIFE,
  type TokenLifeEvent,
  type TokenStateFacts,
  type ZumRailsTokenState,
} from '../../lib/token/token-status.js';

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

/** How each event of the token's life changes the facts a state is derived from. */
const EVENT_EFFECTS: Record<TokenLifeEvent, (facts: TokenStateFacts) => TokenStateFacts> = {
  'login-started': (f) => ({ ...f, acquisitionInFlight: true }),
  'login-succeeded': (f) => ({
    ...f,
    acquisitionInFlight: false,
    hasValidToken: true,
    lastErrorCode: undefined,
    expired: false,
  }),
  'login-failed': (f) => ({ ...f, acquisitionInFlight: false, lastErrorCode: 'unavailable' }),
  'credentials-rejected': (f) => ({
    ...f,
    acquisitionInFlight: false,
    lastErrorCode: 'credentials-rejected',
  }),
  'token-expired': (f) => ({ ...f, hasValidToken: false, expired: true }),
  'token-dropped': (f) => ({ ...f, hasValidToken: false }),
  shutdown: (f) => ({ ...f, stopped: true }),
};

/** Facts of one representative situation of each state. */
const FACTS_OF: Record<ZumRailsTokenState, Partial<TokenStateFacts>> = {
  idle: {},
  acquiring: { acquisitionInFlight: true },
  valid: { hasValidToken: true },
  renewing: { hasValidToken: true, acquisitionInFlight: true },
  degraded: { hasValidToken: true, lastErrorCode: 'unavailable' },
  expired: { expired: true },
  failing: { lastErrorCode: 'unavailable' },
  'credentials-rejected': { lastErrorCode: 'credentials-rejected' },
  stopped: { stopped: true },
};

describe('TOKEN_LIFE, the table of states and transitions', () => {
  const states = Object.keys(TOKEN_LIFE) as ZumRailsTokenState[];
  const rows = states.flatMap((from) =>
    (Object.entries(TOKEN_LIFE[from].next) as [TokenLifeEvent, ZumRailsTokenState][]).map(
      ([event, to]) => [from, event, to] as const,
    ),
  );

  it.each(rows)('%s --%s--> %s, as deriveState sees it', (from, event, to) => {
    const facts = { ...base, ...FACTS_OF[from] };
    expect(deriveState(facts)).toBe(from);
    expect(deriveState(EVENT_EFFECTS[event](facts))).toBe(to);
  });

  it.each(states)('%s goes to stopped at shutdown', (from) => {
    expect(deriveState(EVENT_EFFECTS.shutdown({ ...base, ...FACTS_OF[from] }))).toBe('stopped');
  });

  it('lists every state reachable from idle, and every state but stopped can start a login', () => {
    const reached = new Set<ZumRailsTokenState>(['idle', 'stopped']);
    for (let grew = true; grew;) {
      grew = false;
      for (const [from, , to] of rows) {
        if (reached.has(from) && !reached.has(to)) grew = reached.add(to) !== undefined;
      }
    }
    expect([...reached].sort()).toEqual([...states].sort());
    for (const state of states) {
      const starts = rows.some(([from, event]) => from === state && event === 'login-started');
      const inFlight = state === 'acquiring' || state === 'renewing';
      expect(starts).toBe(state !== 'stopped' && !inFlight);
    }
  });

  it('names each state with a meaning', () => {
    for (const state of states) expect(TOKEN_LIFE[state].meaning.length).toBeGreaterThan(10);
  });
});
