/** Node's codes for a server certificate the client does not trust. */
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);
/** TLS alerts a server sends when it wants a (different) client certificate. */
const CLIENT_CERTIFICATE_ALERT =
  /^ERR_SSL_(TLSV13_)?(SSLV3_|TLSV1_)?ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|HANDSHAKE_FAILURE)$/;

/**
 * What to do about a TLS failure, from the error code alone (no message, no certificate text):
 * `undefined` when `code` is not a TLS certificate problem.
 */
export function describeTlsFailure(code: string): string | undefined {
  if (UNTRUSTED_CERTIFICATE.has(code)) {
    return `TLS certificate of Zum Rails (or of a proxy in between) not trusted (${code}): give transport.httpsAgent the CA that issued it, e.g. new https.Agent({ ca })`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return `TLS certificate outside its validity period (${code}): check the server certificate and this machine's clock`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `TLS certificate does not name the baseUrl host (${code})`;
  }
  if (CLIENT_CERTIFICATE_ALERT.test(code)) {
    return `TLS handshake refused by the server (${code}): it wants a client certificate it accepts; set cert and key on transport.httpsAgent`;
  }
  return undefined;
}
