/**
 * A throwaway TLS identity for the fake login host: MSAL refuses an authority that is not https, so the fake must
 * speak TLS. openssl makes a self-signed certificate for 127.0.0.1 and localhost; a child process trusts it through
 * NODE_EXTRA_CA_CERTS (the file `certFile`), the test process through tls.setDefaultCACertificates (trustInProcess).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';

export type TlsIdentity = { key: string; cert: string; certFile: string };

export function selfSignedTls(): TlsIdentity {
  const dir = mkdtempSync(join(tmpdir(), 'aap-fake-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

/** Trust the certificate in this process too, as NODE_EXTRA_CA_CERTS does for a child (Node 22.19+). */
export function trustInProcess(identity: TlsIdentity): void {
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), identity.cert]);
}
