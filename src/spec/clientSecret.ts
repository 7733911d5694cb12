/*
 * Where the client secret comes from. It is never a spec field: it travels separately so that nothing that
 * describes, logs or writes the spec can carry it.
 */
import { checkClientSecret, type ProviderInput } from './providerSpec.js';

export const SECRET_ENV = 'AZURE_CLIENT_SECRET';

/** --client-secret, stdin, prompt, or the name of the environment variable that held it. */
export type SecretSource = string;
export type ClientSecret = { value: string; source: SecretSource };

/** The secret from the flag or, failing that, the environment; undefined when neither holds one. */
export function clientSecretFrom(flagValue: string | undefined, env: NodeJS.ProcessEnv = process.env): ClientSecret | undefined {
  if (flagValue !== undefined) return { value: checkClientSecret(flagValue, '--client-secret'), source: '--client-secret' };
  const fromEnv = env[SECRET_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { value: checkClientSecret(fromEnv, SECRET_ENV), source: SECRET_ENV };
  return undefined;
}

/** A certificate provider signs a client assertion in the org: it has no client secret at all. */
export const needsClientSecret = (provider: ProviderInput): boolean => provider.auth !== 'certificate';
