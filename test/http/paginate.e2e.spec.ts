import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  ZumRailsBadResponseError,
  ZumRailsClient,
  type ZumRailsAuthOptions,
} from '../../lib/index.js';
import { FakeZumRails } from '../../lib/testing/index.js';
import { startAuthApp, type AuthApp } from '../support/auth-app.js';
import { busiestWindow } from '../support/rate-windows.js';
import { apiRequests, rejectionOf } from '../support/zumrails-assertions.js';

interface Item {
  Id: string;
  n: number;
}

const items = (count: number): Item[] =>
  Array.from({ length: count }, (_, n) => ({ Id: `id-${n}`, n }));

describe('ZumRailsClient.paginate over a filter endpoint', () => {
  let fake: FakeZumRails;
  let auth: AuthApp | undefined;

  beforeEach(async () => {
    fake = await FakeZumRails.start();
  });
  afterEach(async () => {
    await auth?.app.close();
    auth = undefined;
    await fake.stop();
  });

  async function client(overrides: Partial<ZumRailsAuthOptions> = {}): Promise<ZumRailsClient> {
    auth = await startAuthApp(fake, overrides);
    return auth.app.get(ZumRailsClient);
  }

  async function all<T>(iterator: AsyncIterable<T>): Promise<T[]> {
    const out: T[] = [];
    for await (const item of iterator) out.push(item);
    return out;
  }

  const filterCalls = (path: string) =>
    apiRequests(fake).filter((request) => request.path === path);

  it('walks 250 users in 3 pages of 100 and stops at TotalCount', async () => {
    fake.setUsers(items(250));
    const zumRails = await client();
    const users = await all(
      zumRails.paginate<Item>('/api/user/filter', { Status: 'Active' }, { pageSize: 100 }),
    );
    expect(users.map((user) => user.n)).toEqual(items(250).map((item) => item.n));
    const calls = filterCalls('/api/user/filter');
    expect(calls.map((call) => call.body)).toEqual(
      [1, 2, 3].map((page) => ({
        Status: 'Active',
        Pagination: { PageNumber: page, PageSize: 100 },
      })),
    );
  });

  it('pages through POST /api/transaction/filter of the fake too, 100 items a page by default', async () => {
    fake.setTransactions(items(120));
    const zumRails = await client();
    const transactions = await all(zumRails.paginate<Item>('/api/transaction/filter'));
    expect(transactions).toHaveLength(120);
    expect(transactions[0]).toMatchObject({ Id: 'id-0' });
    expect(filterCalls('/api/transaction/filter')).toHaveLength(2);
  });

  it('stops on an empty page, and before the next page when the loop breaks', async () => {
    const zumRails = await client();
    expect(await all(zumRails.paginate('/api/user/filter', {}, { pageSize: 10 }))).toHaveLength(3);
    fake.setUsers([]);
    expect(await all(zumRails.paginate('/api/user/filter'))).toEqual([]);
    fake.setUsers(items(50));
    fake.reset();
    for await (const item of zumRails.paginate<Item>('/api/user/filter', {}, { pageSize: 10 })) {
      if (item.n === 12) break;
    }
    expect(filterCalls('/api/user/filter')).toHaveLength(2);
  });

  it('an absurd TotalCount ends at maxPages with an error, not an endless loop', async () => {
    const page = { CurrentPage: 1, PageSize: 2, TotalCount: 1e12, Items: items(2) };
    const envelope = {
      statusCode: 200,
      message: 'POST Request successful.',
      isError: false,
      result: page,
    };
    fake.failApi({ kind: 'status', status: 200, body: envelope }, Infinity);
    const zumRails = await client();
    const error = await rejectionOf(
      all(zumRails.paginate('/api/user/filter', {}, { maxPages: 3 })),
    );
    expect(error).toBeInstanceOf(ZumRailsBadResponseError);
    expect((error as Error).message).toMatch(/after 3 pages \(6 of TotalCount 1000000000000\)/);
    expect(filterCalls('/api/user/filter')).toHaveLength(3);
  });

  it('refuses an answer that is not a page, and options out of range', async () => {
    const zumRails = await client();
    const notPage = await rejectionOf(all(zumRails.paginate('/api/wallet/filter')));
    expect(notPage).toBeInstanceOf(ZumRailsBadResponseError);
    expect(() => zumRails.paginate('/api/user/filter', {}, { pageSize: 0 })).toThrow(RangeError);
    expect(() => zumRails.paginate('/api/user/filter', {}, { maxPages: 1.5 })).toThrow(RangeError);
  });

  it('stays inside the rate limit of the filter endpoints', async () => {
    fake.setUsers(items(50));
    const zumRails = await client({
      rateLimits: { rules: [{ path: '/api/*/filter', limit: 2, windowMs: 300 }] },
    });
    expect(await all(zumRails.paginate('/api/user/filter', {}, { pageSize: 10 }))).toHaveLength(50);
    const calls = filterCalls('/api/user/filter');
    expect(calls).toHaveLength(5);
    expect(busiestWindow(calls, 300)).toBeLessThanOrEqual(2);
  });
});
