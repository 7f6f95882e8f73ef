import { beforeEach, describe, expect, it, jest } from '@jest/globals';
import { createHmac } from 'node:crypto';

/**
 * The verdict of verifyZumRailsSignature must come from `crypto.timingSafeEqual` (constant
 * time), not from `===`, `Buffer.equals` or `Buffer.compare`, whose time tells an attacker how
 * many leading bytes of a forged signature are right. A stand-in timingSafeEqual that records
 * its calls and can overrule the real answer proves which comparison decides.
 */
const realCrypto = await import('node:crypto');
const compared: Array<[Buffer, Buffer]> = [];
let overrule: boolean | undefined;
jest.unstable_mockModule('node:crypto', () => ({
  ...realCrypto,
  timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView): boolean => {
    compared.push([Buffer.from(a as Uint8Array), Buffer.from(b as Uint8Array)]);
    const real = realCrypto.timingSafeEqual(a, b);
    return overrule ?? real;
  },
}));
const { verifyZumRailsSignature } = await import('../../lib/webhooks/verify-signature.js');

const BODY = '{"Type":"Transaction","Event":"Completed"}';
const sign = (secret: string) => createHmac('sha256', secret).update(BODY).digest('base64');

describe('verifyZumRailsSignature: timingSafeEqual decides', () => {
  beforeEach(() => {
    compared.length = 0;
    overrule = undefined;
  });

  it('compares the 32-byte digests with timingSafeEqual', () => {
    expect(verifyZumRailsSignature(BODY, sign('secret'), 'secret')).toBe(true);
    expect(compared).toHaveLength(1);
    const [expected, received] = compared[0]!;
    expect(expected).toHaveLength(32);
    expect(received.toString('base64')).toBe(sign('secret'));
  });

  it('follows timingSafeEqual when it says no to a right signature', () => {
    overrule = false;
    expect(verifyZumRailsSignature(BODY, sign('secret'), 'secret')).toBe(false);
  });

  it('follows timingSafeEqual when it says yes to a wrong signature', () => {
    overrule = true;
    expect(verifyZumRailsSignature(BODY, sign('another secret'), 'secret')).toBe(true);
  });

  it('tries every secret even when the first matches (time does not tell which)', () => {
    expect(verifyZumRailsSignature(BODY, sign('new'), ['new', 'old', 'older'])).toBe(true);
    expect(compared).toHaveLength(3);
  });
});
