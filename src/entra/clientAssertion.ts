/*
 * The client assertion of Entra's certificate credentials, built on this machine from a PEM certificate and its
 * private key, as the Apex plugin builds it in the org with Crypto.signWithCertificate: an RS256 JWT whose header
 * names the certificate by its SHA-1 thumbprint (x5t) and whose claims say who asks, for which endpoint, and when.
 */
import { createPrivateKey, createSign, randomUUID, X509Certificate } from 'node:crypto';
// The thumbprint is the certificate's, computed where the certificate is read: input/ must not import entra/.
import { thumbprintOf } from '../input/certificateCredential.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Long enough for clock skew, short enough that a leaked assertion is soon useless. */
const LIFETIME_S = 600;

const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function clientAssertion(options: { clientId: string; tokenUrl: string; certificatePem: string; privateKeyPem: string; now?: number }): string {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const header = part({ alg: 'RS256', typ: 'JWT', x5t: thumbprintOf(new X509Certificate(options.certificatePem)) });
  const claims = part({ aud: options.tokenUrl, iss: options.clientId, sub: options.clientId, jti: randomUUID(), nbf: now, iat: now, exp: now + LIFETIME_S });
  const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(createPrivateKey(options.privateKeyPem)).toString('base64url');
  return `${header}.${claims}.${signature}`;
}
