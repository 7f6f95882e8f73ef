import { describe, expect, it } from '@jest/globals';
import {
  compilePathPattern,
  matchesPath,
  pathStart,
  type PathPattern,
} from '../../../lib/ratelimit/path-pattern.js';

function matches(path: string, url: string, basePath = ''): boolean {
  const pattern = compilePathPattern(path) as PathPattern;
  return matchesPath(pattern, url, pathStart(url, basePath));
}

describe('rate limit path patterns', () => {
  it('a final * matches one or more segments, never none', () => {
    expect(matches('/api/transaction/*', '/api/transaction/abc')).toBe(true);
    expect(matches('/api/transaction/*', '/api/transaction/abc/events')).toBe(true);
    expect(matches('/api/transaction/*', '/api/transaction')).toBe(false);
    expect(matches('/api/transaction/*', '/api/transaction/')).toBe(false);
    expect(matches('/api/transaction/*', '/api/transactions/abc')).toBe(false);
    expect(matches('/api/*', '/api/wallet')).toBe(true);
    expect(matches('/api/*', '/health')).toBe(false);
  });

  it('an inner * matches exactly one segment', () => {
    expect(matches('/api/*/filter', '/api/user/filter')).toBe(true);
    expect(matches('/api/*/filter', '/api/transaction/filter')).toBe(true);
    expect(matches('/api/*/filter', '/api/filter')).toBe(false);
    expect(matches('/api/*/filter', '/api/a/b/filter')).toBe(false);
    expect(matches('/api/*/filter', '/api/user/filters')).toBe(false);
    expect(matches('/api/*/filter', '/api/user/filter/x')).toBe(false);
  });

  it('ignores case, the query, the fragment, a missing leading slash and trailing slashes', () => {
    expect(matches('/api/*/filter', '/API/User/Filter?page=2')).toBe(true);
    expect(matches('/api/wallet', 'api/wallet/')).toBe(true);
    expect(matches('/api/wallet', '/api/wallet#x')).toBe(true);
    expect(matches('/api/wallet', '/api/wallet?x=/api/other')).toBe(true);
    expect(matches('/api/wallet', '/api/walle')).toBe(false);
  });

  it('reads the path of an absolute URL, after the base URL path', () => {
    expect(matches('/api/wallet', 'https://api-app.zumrails.com/api/wallet')).toBe(true);
    expect(matches('/api/wallet', 'http://127.0.0.1:9/zr/api/wallet', '/zr')).toBe(true);
    expect(matches('/api/wallet', 'https://api-app.zumrails.com')).toBe(false);
    expect(matches('/api/wallet', '//host/api/wallet')).toBe(true);
  });
});
