import {
  generateKeyPairSync,
  randomBytes,
  sign,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import * as der from './der.js';

/** A PEM private key and certificate, for `tls.createServer` or an `https.Agent`. */
export interface FakeZumRailsKeyPair {
  /** PKCS#8 PEM private key. */
  key: string;
  /** PEM certificate. */
  cert: string;
}

const ECDSA_SHA256 = der.sequence(der.objectId('1.2.840.10045.4.3.2'));
const COMMON_NAME = '2.5.4.3';
const DAY_MS = 86_400_000;
/** What the fake's server certificate names: the hosts a loopback fake is reached by. */
const LOOPBACK_NAMES = { dns: ['localhost'], ips: ['127.0.0.1', '::1'] };

/**
 * A throwaway certificate authority for loopback tests (ECDSA P-256, valid from a day ago for
 * 30 days, generated in memory; never use it outside tests).
 */
export class TestCertificateAuthority {
  readonly cert: string;
  private readonly key: KeyObject;
  private readonly name: Buffer;

  constructor(commonName = 'FakeZumRails test CA (test only)') {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.key = pair.privateKey;
    this.name = distinguishedName(commonName);
    const extensions = [basicConstraints(true), keyUsage(0x06, 1)];
    this.cert = this.sign(this.name, pair.publicKey, extensions);
  }

  /** A server certificate for localhost, 127.0.0.1 and ::1. */
  issueServer(commonName = 'localhost'): FakeZumRailsKeyPair {
    return this.issue(commonName, [subjectAltName(LOOPBACK_NAMES)]);
  }

  /** A client certificate (for mutual TLS) whose subject CN is `commonName`. */
  issueClient(commonName: string): FakeZumRailsKeyPair {
    return this.issue(commonName, []);
  }

  private issue(commonName: string, extra: Buffer[]): FakeZumRailsKeyPair {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    // digitalSignature only: what an ECDHE handshake needs of a leaf.
    const extensions = [basicConstraints(false), keyUsage(0x80, 7), ...extra];
    const cert = this.sign(distinguishedName(commonName), pair.publicKey, extensions);
    return { key: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), cert };
  }

  private sign(subject: Buffer, publicKey: KeyObject, extensions: Buffer[]): string {
    const now = Date.now();
    const serial = randomBytes(16);
    serial[0] = (serial[0] ?? 0) & 0x7f;
    const tbs = der.sequence(
      der.explicit(0, der.unsignedInteger(Buffer.from([2]))),
      der.unsignedInteger(serial),
      ECDSA_SHA256,
      this.name,
      der.sequence(der.time(new Date(now - DAY_MS)), der.time(new Date(now + 30 * DAY_MS))),
      subject,
      publicKey.export({ type: 'spki', format: 'der' }),
      der.explicit(3, der.sequence(...extensions)),
    );
    const signature = sign('sha256', tbs, this.key);
    const certificate = der.sequence(tbs, ECDSA_SHA256, der.bitString(signature));
    return new X509Certificate(certificate).toString();
  }
}

function distinguishedName(commonName: string): Buffer {
  return der.sequence(der.set(der.sequence(der.objectId(COMMON_NAME), der.utf8String(commonName))));
}

function extension(oid: string, value: Buffer, critical: boolean): Buffer {
  const flag = critical ? [der.booleanTrue()] : [];
  return der.sequence(der.objectId(oid), ...flag, der.octetString(value));
}

function basicConstraints(ca: boolean): Buffer {
  return extension('2.5.29.19', ca ? der.sequence(der.booleanTrue()) : der.sequence(), true);
}

/** `bits`: the key usage bits as one byte (bit 0 = 0x80); `unused`: trailing unused bits. */
function keyUsage(bits: number, unused: number): Buffer {
  return extension('2.5.29.15', der.bitString(Buffer.from([bits]), unused), true);
}

function subjectAltName(names: { dns: string[]; ips: string[] }): Buffer {
  const entries = [
    ...names.dns.map((name) => der.implicit(2, Buffer.from(name, 'ascii'))),
    ...names.ips.map((ip) => der.implicit(7, ipBytes(ip))),
  ];
  return extension('2.5.29.17', der.sequence(...entries), false);
}

function ipBytes(ip: string): Buffer {
  if (!ip.includes(':')) return Buffer.from(ip.split('.').map(Number));
  // Only the loopback forms are needed here: '::1'.
  const bytes = Buffer.alloc(16);
  bytes[15] = Number.parseInt(ip.split(':').pop() ?? '0', 16);
  return bytes;
}
