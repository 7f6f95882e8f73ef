import type { AxiosProxyConfig } from 'axios';

/** The variables axios (proxy-from-env) reads a proxy URL from. */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const;

/**
 * The proxy credentials in every shape they travel in: the password, `user:password`, and the
 * base64 of the `Proxy-Authorization: Basic` header (what a careless proxy echoes back). From
 * the `transport.proxy` option, or, when it is absent, from the proxy URLs in the environment
 * that axios would use. Empty when there are none (`proxy: false` included).
 */
export function proxySecrets(
  proxy: AxiosProxyConfig | false | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (proxy === false) return [];
  if (proxy !== undefined) return proxy.auth ? credentialForms(proxy.auth) : [];
  return PROXY_VARIABLES.flatMap((name) => envCredentials(env[name]));
}

function envCredentials(value: string | undefined): string[] {
  if (!value) return [];
  let url: URL;
  try {
    url = new URL(value.includes('://') ? value : `http://${value}`);
  } catch {
    return [];
  }
  if (!url.username && !url.password) return [];
  return credentialForms({ username: decode(url.username), password: decode(url.password) });
}

function credentialForms({ username, password }: { username: string; password: string }): string[] {
  const pair = `${username}:${password}`;
  return [password, pair, Buffer.from(pair, 'utf8').toString('base64')];
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
