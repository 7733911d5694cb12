/*
 * A Graph session for a provider that already exists: the tenant and cloud come from its token URL, the sign-in from
 * --sign-in. `quietSignIn` is for read-only commands (list, verify) that must not stop to ask a person: it uses only a
 * sign-in that needs nobody (the environment's service principal, the Azure CLI's login) unless one was asked for.
 */
import { CLOUD_HOSTS, CLOUDS, type Cloud } from '../input/platform.js';
import { graphHosts } from './graphHosts.js';
import { graphClient, type GraphClient } from './graphClient.js';
import { ADMIN_CLIENT_ID_ENV, ADMIN_CLIENT_SECRET_ENV, onPath, signInToGraph, type SignInChoice, type SignInMethod } from './graphSignIn.js';

export type GraphSession = { method: SignInMethod; client: GraphClient };

export type SessionOptions = {
  tokenUrl: string;
  /** The tenant the record names; the token URL's first path segment otherwise. */
  tenantId?: string;
  env?: NodeJS.ProcessEnv;
  interactive?: boolean;
  /** Device code's instructions (stderr). */
  prompt: (text: string) => void;
  onThrottled?: (seconds: number) => void;
};

/** The tenant of `https://<login host>/<tenant>/oauth2/...`; undefined when the URL does not name one. */
export function tenantOfTokenUrl(tokenUrl: string): string | undefined {
  try {
    const first = new URL(tokenUrl).pathname.split('/').filter(Boolean)[0];
    return first && !/^oauth2$/i.test(first) ? decodeURIComponent(first) : undefined;
  } catch {
    return undefined;
  }
}

/** The national cloud whose login host the token URL uses; global for any other host (a test double, a proxy). */
export function cloudOfTokenUrl(tokenUrl: string): Cloud {
  let host = '';
  try {
    host = new URL(tokenUrl).hostname.toLowerCase();
  } catch {
    return 'global';
  }
  // usgov and dod share a login host; usgov's Graph is the one most tenants there use.
  return CLOUDS.find((cloud) => CLOUD_HOSTS[cloud].authority === host) ?? 'global';
}

export async function openGraphSession(choice: SignInChoice, options: SessionOptions): Promise<GraphSession> {
  const env = options.env ?? process.env;
  const hosts = graphHosts(cloudOfTokenUrl(options.tokenUrl), env);
  const tenantId = options.tenantId ?? tenantOfTokenUrl(options.tokenUrl) ?? 'organizations';
  const signIn = await signInToGraph(choice, { tenantId, hosts, env, interactive: options.interactive, prompt: options.prompt });
  return { method: signIn.method, client: graphClient(signIn.token, hosts.graphOrigin, { onWait: options.onThrottled }) };
}

/** The sign-in a read-only command may use without asking anyone, or undefined when there is none. */
export function quietSignIn(choice: SignInChoice | undefined, env: NodeJS.ProcessEnv = process.env): SignInChoice | undefined {
  if (choice !== undefined && choice !== 'auto') return choice;
  if (env[ADMIN_CLIENT_ID_ENV] && env[ADMIN_CLIENT_SECRET_ENV]) return 'environment';
  if (onPath('az', env)) return 'azure-cli';
  return undefined;
}
