import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { ResolvedFakeOptions } from './defaults.js';
import { TestCertificateAuthority } from './test-certificates.js';

/** The fake's listening server, with its CA when it speaks HTTPS. */
interface FakeServer {
  readonly server: Server;
  readonly protocol: 'http' | 'https';
  readonly authority: TestCertificateAuthority | undefined;
}

/** A plain HTTP server, or an HTTPS one per `options.tls` (certificate generated when not given). */
export function createFakeServer(options: ResolvedFakeOptions): FakeServer {
  const { tls } = options;
  if (tls === false) return { server: createHttpServer(), protocol: 'http', authority: undefined };
  const settings = tls === true ? {} : tls;
  const authority = new TestCertificateAuthority();
  const identity =
    settings.key !== undefined && settings.cert !== undefined
      ? { key: settings.key, cert: settings.cert }
      : authority.issueServer();
  const extraCas = settings.clientCa === undefined ? [] : [settings.clientCa].flat();
  const requireClient = settings.requireClientCertificate === true;
  const server = createHttpsServer({
    ...identity,
    ca: [authority.cert, ...extraCas],
    requestCert: requireClient,
    rejectUnauthorized: requireClient,
  });
  return { server, protocol: 'https', authority };
}
