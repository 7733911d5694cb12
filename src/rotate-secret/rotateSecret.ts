/*
 * Replaces one provider's client secret and nothing else. The new secret is checked against Entra first (verify's
 * local token check), then written where the provider keeps it: the principal of its token credential (Connect REST),
 * the custom metadata record of a legacy-model provider (Metadata API upsert, only the secret changed) or, in native
 * mode, the External Credential's principal (Connect REST). No code is deployed,
 * so no tests run and production orgs need no deploy window.
 */
import { Messages, SfError, type Org } from '@salesforce/core';
import { parseProviderNames } from '../input/names.js';
import { parseTokenRequestSpec } from '../input/tokenRequestSpec.js';
import type { ClientSecret } from '../input/clientSecret.js';
import { checkTokenLocally, type TokenSummary } from '../entra/localTokenCheck.js';
import type { WaitOptions } from '../entra/credentialPropagation.js';
import { firstFailure, type Check } from '../checks/checks.js';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { requestTimeoutMs } from '../network/deadline.js';
import { secretHome } from './secretHome.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'manage');

export type RotateOptions = {
  org: Org;
  name?: string;
  /** Token endpoint for the check instead of the record's (a test server, a proxy). */
  tokenUrl?: string;
  /** Check the new secret with Entra before writing it. */
  verify: boolean;
  secret: () => Promise<ClientSecret>;
  onStage?: (stage: string) => void;
  /** The new secret is on its way to `where`: from here on, the org may hold either secret. */
  onWrite?: (where: string) => void;
  /** The secret was just created: the check keeps trying while Entra refuses it as not replicated yet. */
  wait?: WaitOptions;
};

export type RotateSecretOutcome = {
  status: 'Rotated' | 'Refused';
  exitCode: number;
  provider: string;
  mode: 'plugin' | 'native';
  /** Where the secret was written: the custom metadata record, or the native principal. */
  record: string;
  verified: boolean;
  checks: Check[];
  token?: TokenSummary;
  secretSource: ClientSecret['source'];
};

/** A failed write says how to finish: the same command again (it writes the whole secret again). */
export function withRerun(error: unknown, name: string): unknown {
  if (!(error instanceof SfError)) return error;
  return new SfError(error.message, error.name, [messages.getMessage('action.RerunRotate', [name])], error.exitCode, error);
}

export async function rotateSecret(options: RotateOptions): Promise<RotateSecretOutcome> {
  const { name } = parseProviderNames({ name: options.name });
  // A bad request deadline is bad input: refused before the org is asked anything.
  requestTimeoutMs();
  options.onStage?.(messages.getMessage('stage.Read', [name]));
  const home = await secretHome(options.org, name);
  const tokenSpec = options.verify ? parseTokenRequestSpec({ ...home.token, tokenUrl: options.tokenUrl ?? home.token.tokenUrl }) : undefined;

  const secret = await options.secret();
  const outcome = { provider: name, mode: home.mode, record: home.where, secretSource: secret.source };
  let checks: Check[] = [];
  let token: TokenSummary | undefined;
  if (tokenSpec) {
    options.onStage?.(messages.getMessage('stage.Check', [tokenSpec.tokenUrl]));
    ({ checks, token } = await checkTokenLocally(tokenSpec, { kind: 'secret', secret: secret.value }, false, options.wait));
    const failed = firstFailure(checks);
    if (failed?.category) return { ...outcome, status: 'Refused', exitCode: EXIT_CODES[failed.category], verified: false, checks, token };
  }

  options.onStage?.(messages.getMessage('stage.Write', [home.where]));
  options.onWrite?.(home.where);
  try {
    await home.write(secret.value);
  } catch (error) {
    throw withRerun(error, name);
  }
  return { ...outcome, status: 'Rotated', exitCode: 0, verified: tokenSpec !== undefined, checks, token };
}
