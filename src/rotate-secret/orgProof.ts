/*
 * The org proves it gets a token with the secret it now holds: the anonymous Apex verify runs (the plugin's refresh,
 * a token request through the token credential, or a callout through a native Named Credential, where Salesforce
 * fetches the token itself). A refusal Entra gives while a new secret replicates is marked `replicating`.
 */
import { Messages, type Connection } from '@salesforce/core';
import { executeAnonymous } from '../salesforce/anonymousApex.js';
import { calloutCheckApex, tokenCheckApex, tokenCredentialCheckApex } from '../render/renderVerifyApex.js';
import { aadstsCodeIn } from '../entra/entraDiagnosis.js';
import { remoteText } from '../ux/remoteText.js';
import type { OrgProof } from './secretHome.js';
import { REPLICATING_CODES } from './credentialWait.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'lifecycle');

export type ProofResult = { proven: boolean; replicating: boolean; detail: string };

/** The last HTTP status the run logged: Salesforce's CALLOUT_RESPONSE line, or the line the check itself logs. */
function statusIn(log: string | undefined): number | undefined {
  const platform = [...(log ?? '').matchAll(/\|CALLOUT_RESPONSE\|[^\n]*StatusCode=(\d{3})/g)];
  if (platform.length > 0) return Number(platform[platform.length - 1][1]);
  const own = /sf azure-authprovider verify: HTTP (\d{3})/.exec(log ?? '');
  return own ? Number(own[1]) : undefined;
}

const firstLine = (text: string | undefined, secrets: string[]): string => remoteText((text ?? '').split(/\r?\n/)[0], secrets, 300);

export async function proveInOrg(conn: Connection, proof: OrgProof, secrets: string[]): Promise<ProofResult> {
  if (proof.kind === 'none') return { proven: false, replicating: false, detail: messages.getMessage('proof.None') };
  const apex = proof.kind === 'plugin' ? tokenCheckApex(proof) : proof.kind === 'token-credential' ? tokenCredentialCheckApex(proof) : calloutCheckApex(proof.namedCredential, '/');
  const run = await executeAnonymous(conn, apex);
  if (!run.compiled) return { proven: false, replicating: false, detail: messages.getMessage('proof.Compile', [firstLine(run.compileProblem, secrets)]) };
  if (!run.success) {
    const message = run.exceptionMessage ?? '';
    const code = aadstsCodeIn(message);
    // Native: Salesforce names only the OAuth error of its own token request; invalid_client is what a secret Entra
    // does not know yet gets (RFC 6749, 5.2).
    const nativeRefusal = proof.kind === 'native' && /Unable to fetch the OAuth token\. Error: (invalid_client|unauthorized_client)/i.test(message);
    return { proven: false, replicating: (code !== undefined && REPLICATING_CODES.has(code)) || nativeRefusal, detail: firstLine(message, secrets) };
  }
  if (proof.kind !== 'token-credential') return { proven: true, replicating: false, detail: messages.getMessage('proof.Token') };
  const status = statusIn(run.log);
  if (status !== undefined && status < 400) return { proven: true, replicating: false, detail: messages.getMessage('proof.Token') };
  const code = aadstsCodeIn(run.log ?? '');
  // Without Entra's answer in the log, a 400 or 401 is what a secret still replicating gets.
  const replicating = code !== undefined ? REPLICATING_CODES.has(code) : status === 400 || status === 401;
  return { proven: false, replicating, detail: messages.getMessage('proof.Refused', [status ?? '-', code === undefined ? '-' : `AADSTS${code}`]) };
}
