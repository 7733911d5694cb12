/*
 * rotate-secret --new: a secret made at Entra replaces the one in use, with no moment when the org holds a secret
 * Entra refuses. addPassword (the text stays in memory) -> the new secret proven from this machine -> stored in the
 * org (with its key id, where the org can hold it) -> a token proven from inside the org -> the replaced secret
 * removed at Entra. A failed proof in the org puts the old secret back where the org gives it back, and deletes
 * the new one; where it cannot (Salesforce never returns an encrypted secret), both stay and the outcome says so.
 */
import { Messages, type Org } from '@salesforce/core';
import { parseProviderNames } from '../input/names.js';
import { parseTokenRequestSpec, type TokenRequestSpec } from '../input/tokenRequestSpec.js';
import { checkTokenLocally, type TokenSummary } from '../entra/localTokenCheck.js';
import { aadstsCodeIn } from '../entra/entraDiagnosis.js';
import { addPassword, findApplicationByAppId, getApplication, removePassword, type Application, type GraphClient } from '../entra/graphClient.js';
import { openGraphSession } from '../entra/graphSession.js';
import { credentialsOf, type AppCredentialInfo } from '../entra/credentialExpiry.js';
import type { SignInChoice, SignInMethod } from '../entra/graphSignIn.js';
import { firstFailure, type Check } from '../checks/checks.js';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { requestTimeoutMs } from '../network/deadline.js';
import { MAX_SECRET_LIFETIME_DAYS } from '../entra/appCredentials.js';
import { secretHome } from './secretHome.js';
import { proveInOrg, type ProofResult } from './orgProof.js';
import { NEW_SECRET_BUDGET_MS, REPLICATING_CODES, waitForNewSecret } from './credentialWait.js';
import { withRerun } from './rotateSecret.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'lifecycle');


export type NewSecretOptions = {
  org: Org;
  name?: string;
  tokenUrl?: string;
  lifetimeDays: number;
  signIn: SignInChoice;
  interactive: boolean;
  /** Device code's instructions and the one "waiting" line: stderr. */
  prompt: (text: string) => void;
  onStage?: (stage: string) => void;
  onWrite?: (where: string) => void;
  budgetMs?: number;
};

export type NewSecretOutcome = {
  status: 'Rotated' | 'RolledBack' | 'Failed';
  exitCode: number;
  provider: string;
  mode: 'plugin' | 'native';
  record: string;
  signIn: SignInMethod;
  application: { id: string; appId: string; displayName: string };
  newSecret: { keyId: string; expiresAt?: string };
  /** Key id of the secret removed at Entra (the one the org used before). */
  removedKeyId?: string;
  /** Whether the org now holds the new secret's key id (plugin providers' records). */
  keyIdStored: boolean;
  /** The app's secrets at Entra afterwards (key ids and end dates only). */
  secrets: AppCredentialInfo[];
  checks: Check[];
  token?: TokenSummary;
  proof?: ProofResult;
  /** What went wrong, and what is where now. */
  problem?: string;
};

const replicatingCheck = (checks: Check[]): boolean => {
  const failed = firstFailure(checks);
  const code = failed ? aadstsCodeIn(failed.summary) : undefined;
  return code !== undefined && REPLICATING_CODES.has(code);
};

async function secretsNow(client: GraphClient, app: Application): Promise<AppCredentialInfo[]> {
  return credentialsOf(await getApplication(client, app.id)).filter((credential) => credential.kind === 'secret');
}

export async function rotateToNewSecret(options: NewSecretOptions): Promise<NewSecretOutcome> {
  const { name } = parseProviderNames({ name: options.name });
  requestTimeoutMs();
  if (!Number.isInteger(options.lifetimeDays) || options.lifetimeDays < 1 || options.lifetimeDays > MAX_SECRET_LIFETIME_DAYS) {
    throw messages.createError('error.BadLifetime', [MAX_SECRET_LIFETIME_DAYS, options.lifetimeDays], [], EXIT_CODES['invalid-input']);
  }
  options.onStage?.(messages.getMessage('stage.Read', [name]));
  const home = await secretHome(options.org, name);
  const spec: TokenRequestSpec = parseTokenRequestSpec({ ...home.token, tokenUrl: options.tokenUrl ?? home.token.tokenUrl });
  options.onStage?.(messages.getMessage('stage.SignIn'));
  const session = await openGraphSession(options.signIn, { tokenUrl: home.token.tokenUrl ?? spec.tokenUrl, tenantId: home.token.tenantId, interactive: options.interactive, prompt: options.prompt });
  const app = await findApplicationByAppId(session.client, spec.clientId);
  if (!app) throw messages.createError('error.AppNotFound', [spec.clientId, name], [], EXIT_CODES['org-setup']);
  // The key id the org holds counts only if the app still has that secret.
  const oldKeyId = home.keyId && app.passwordCredentials.some((credential) => credential.keyId.toLowerCase() === home.keyId) ? home.keyId : undefined;

  options.onStage?.(messages.getMessage('stage.AddPassword', [app.displayName]));
  const endDateTime = new Date(Date.now() + options.lifetimeDays * 86_400_000).toISOString();
  const added = await addPassword(session.client, app.id, { displayName: messages.getMessage('secret.DisplayName', [name]), endDateTime });
  const secret = added.secretText;
  const base = {
    provider: name,
    mode: home.mode,
    record: home.where,
    signIn: session.method,
    application: { id: app.id, appId: app.appId, displayName: app.displayName },
    newSecret: { keyId: added.keyId, expiresAt: added.endDateTime ?? endDateTime },
  };
  let said = false;
  const wait = {
    budgetMs: options.budgetMs ?? NEW_SECRET_BUDGET_MS,
    onWait: (): void => {
      if (!said) options.prompt(messages.getMessage('wait.NewSecret'));
      said = true;
    },
  };
  const dropNew = async (): Promise<void> => removePassword(session.client, app.id, added.keyId);

  options.onStage?.(messages.getMessage('stage.Local', [spec.tokenUrl]));
  const local = await waitForNewSecret(async () => {
    const result = await checkTokenLocally(spec, { kind: 'secret', secret }, false);
    return { result, replicating: replicatingCheck(result.checks) };
  }, wait);
  const localFailed = firstFailure(local.checks);
  if (localFailed?.category) {
    await dropNew();
    return { ...base, status: 'Failed', exitCode: EXIT_CODES[localFailed.category], keyIdStored: false, secrets: await secretsNow(session.client, app), checks: local.checks, problem: messages.getMessage('problem.LocalRefused', [localFailed.summary]) };
  }

  options.onStage?.(messages.getMessage('stage.Write', [home.where]));
  options.onWrite?.(home.where);
  try {
    await home.write(secret, added.keyId);
  } catch (error) {
    throw withRerun(error, name);
  }

  options.onStage?.(messages.getMessage('stage.Proof', [name]));
  const conn = options.org.getConnection();
  const proof = await waitForNewSecret(async () => {
    const result = await proveInOrg(conn, home.proof, [secret]);
    return { result, replicating: result.replicating };
  }, wait);
  const outcome = { ...base, checks: local.checks, token: local.token, proof };
  if (proof.proven) {
    if (oldKeyId) {
      options.onStage?.(messages.getMessage('stage.RemoveOld', [oldKeyId]));
      await removePassword(session.client, app.id, oldKeyId);
    }
    return { ...outcome, status: 'Rotated', exitCode: 0, removedKeyId: oldKeyId, keyIdStored: home.holdsKeyId, secrets: await secretsNow(session.client, app) };
  }
  const exitCode = proof.replicating ? EXIT_CODES.credentials : EXIT_CODES['org-setup'];
  if (home.current !== undefined) {
    options.onStage?.(messages.getMessage('stage.RollBack', [home.where]));
    await home.write(home.current, oldKeyId);
    await dropNew();
    return { ...outcome, status: 'RolledBack', exitCode, keyIdStored: false, secrets: await secretsNow(session.client, app), problem: messages.getMessage('problem.RolledBack', [proof.detail, home.where]) };
  }
  return { ...outcome, status: 'Failed', exitCode, keyIdStored: home.holdsKeyId, secrets: await secretsNow(session.client, app), problem: messages.getMessage('problem.NoRollBack', [proof.detail, home.where, added.keyId, oldKeyId ?? '-']) };
}
