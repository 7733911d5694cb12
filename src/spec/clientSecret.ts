/*
 * Where the client secret comes from. It is never a spec field: it travels separately so that nothing that
 * describes, logs or writes the spec can carry it.
 */
import { checkClientSecret } from './providerSpec.js';

export const SECRET_ENV = 'AZURE_CLIENT_SECRET';

export type SecretSource = '--client-secret' | typeof SECRET_ENV | 'stdin' | 'prompt';
export type ClientSecret = { value: string; source: SecretSource };

/** The secret from the flag or, failing that, the environment; undefined when neither holds one. */
export function clientSecretFrom(flagValue: string | undefined, env: NodeJS.ProcessEnv = process.env): ClientSecret | undefined {
  if (flagValue !== undefined) return { value: checkClientSecret(flagValue, '--client-secret'), source: '--client-secret' };
  const fromEnv = env[SECRET_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { value: checkClientSecret(fromEnv, SECRET_ENV), source: SECRET_ENV };
  return undefined;
}
