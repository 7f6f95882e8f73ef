import { describe, expect, it } from '@jest/globals';
import { proxySecrets } from '../../../lib/transport/zumrails-transport.js';

const basic = (pair: string) => Buffer.from(pair).toString('base64');

describe('proxySecrets', () => {
  it('takes the option credentials in every shape they travel in', () => {
    const proxy = { host: 'p', port: 1, auth: { username: 'u', password: 's3cret' } };
    expect(proxySecrets(proxy, {})).toEqual(['s3cret', 'u:s3cret', basic('u:s3cret')]);
  });

  it('has none for a proxy without auth, or proxy: false whatever the environment says', () => {
    const env = { HTTPS_PROXY: 'http://u:s3cret@proxy:3128' };
    expect(proxySecrets({ host: 'p', port: 1 }, env)).toEqual([]);
    expect(proxySecrets(false, env)).toEqual([]);
  });

  it('without the option, reads the credentials of the proxy URLs axios would use, decoded', () => {
    const env = {
      HTTPS_PROXY: 'http://svc%40corp:p%40ss@proxy:3128',
      http_proxy: 'proxy.corp:3128',
      HTTP_PROXY: 'not a url at all ::',
    };
    expect(proxySecrets(undefined, env)).toEqual(['p@ss', 'svc@corp:p@ss', basic('svc@corp:p@ss')]);
  });
});
