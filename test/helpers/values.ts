import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLUGIN_ROOT } from './runCli.js';

/** Inputs shared by the tests: a valid provider, and hostile values that must be refused or round-tripped. */
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const CLIENT_ID = '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
export const HOSTILE_SECRET = `sEcReT-&<>"'\\]]>{{x}}-ÿ€😀`;

export const validFlags = ['--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', CLIENT_ID];

/** The certificate registered on the fake Entra app (test/entra/fixtures), relative to the project root. */
export const CERTIFICATE_FILE = 'test/entra/fixtures/app-cert.pem';
export const certificateFlags = [...validFlags, '--auth', 'certificate', '--certificate', 'Entra_Signing', '--certificate-file', CERTIFICATE_FILE];

/** x5t of CERTIFICATE_FILE, computed here independently of the plugin: base64url SHA-1 of the PEM body's DER bytes. */
export function certificateThumbprint(): string {
  const der = Buffer.from(readFileSync(join(PLUGIN_ROOT, CERTIFICATE_FILE), 'utf8').replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
  return createHash('sha1').update(der).digest('base64url');
}
