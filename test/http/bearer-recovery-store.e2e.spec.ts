import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { firstValueFrom } from 'rxjs';
import { FlakyStore } from '../fleet/support/flaky-store.js';
import { useFakeZumRails } from '../support/fake-fixture.js';
import { bearerOf } from '../support/zumrails-assertions.js';

describe('a token the API refused (401), when the shared store cannot delete it', () => {
  const fixture = useFakeZumRails({}, { revokeOnShutdown: false });

  it('is not adopted again from the store: the retry carries a fresh login’s token', async () => {
    const store = new FlakyStore();
    store.failing.add('compareAndDelete');
    const { http, tokens } = await fixture.start({ store, storeEncryptionKey: randomBytes(32) });
    const refused = await tokens.getToken();
    fixture.fake.revokeToken(refused);

    const response = await firstValueFrom(http.get('/api/wallet'));

    expect(response.status).toBe(200);
    // The delete was tried and failed: the refused token is still the stored one.
    expect(store.count('compareAndDelete')).toBeGreaterThanOrEqual(1);
    const [first, retried] = fixture.fake.requests.filter((r) => r.path === '/api/wallet');
    expect(bearerOf(first)).toBe(refused);
    expect(bearerOf(retried)).not.toBe(refused);
    expect(bearerOf(retried)).toBe(fixture.fake.issuedTokens()[1]);
    expect(fixture.fake.counters.logins).toBe(2);
    expect(await tokens.getToken()).not.toBe(refused);
  });
});
