/*
 * Who the Graph calls run as: the administrator's sign-in, through @azure/identity. `auto` picks, in order, a service
 * principal from the environment (CI), the Azure CLI's login, the interactive browser (a desktop with a terminal),
 * device code (SSH, headless). Never EnvironmentCredential or DefaultAzureCredential: both read AZURE_CLIENT_SECRET,
 * which is this plugin's variable for the app's own secret, and would sign in as the app being set up.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import {
  AzureCliCredential,
  ClientSecretCredential,
  DeviceCodeCredential,
  InteractiveBrowserCredential,
  type AccessToken,
  type TokenCredential,
} from '@azure/identity';
import { Messages } from '@salesforce/core';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { remoteText } from '../ux/remoteText.js';
import type { GraphHosts } from './graphHosts.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'graph');

export const SIGN_IN_METHODS = ['auto', 'azure-cli', 'environment', 'device-code', 'browser'] as const;
export type SignInChoice = (typeof SIGN_IN_METHODS)[number];
export type SignInMethod = Exclude<SignInChoice, 'auto'>;

export const ADMIN_CLIENT_ID_ENV = 'AZURE_AUTHPROVIDER_ADMIN_CLIENT_ID';
export const ADMIN_CLIENT_SECRET_ENV = 'AZURE_AUTHPROVIDER_ADMIN_CLIENT_SECRET';

/** A token is renewed this long before it ends. */
const REFRESH_BEFORE_MS = 5 * 60_000;

export type SignInContext = {
  tenantId: string;
  hosts: GraphHosts;
  env?: NodeJS.ProcessEnv;
  /** Whether a person can answer: stdin and stderr are terminals. */
  interactive?: boolean;
  /** Where device code's "open this page and enter this code" goes (stderr, never --json stdout). */
  prompt: (text: string) => void;
};

/** A signed-in administrator: which sign-in was used, and a Graph access token on demand (cached by the library). */
export type GraphSignIn = { method: SignInMethod; token: () => Promise<string> };

/** Whether an executable named `name` is on PATH (as `command -v` finds it). */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const extensions = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  return (env.PATH ?? '').split(delimiter).some((dir) =>
    dir !== '' &&
    extensions.some((extension) => {
      try {
        accessSync(join(dir, `${name}${extension}`), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    })
  );
}

/** A browser can open where a desktop session is: macOS, Windows, or X11 / Wayland on the rest. */
export function canOpenBrowser(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(env.DISPLAY ?? env.WAYLAND_DISPLAY);
}

/** The sign-ins `auto` tries, in order; an explicit choice is tried alone. */
export function signInOrder(choice: SignInChoice, ctx: SignInContext): SignInMethod[] {
  if (choice !== 'auto') return [choice];
  const env = ctx.env ?? process.env;
  if (env[ADMIN_CLIENT_ID_ENV] && env[ADMIN_CLIENT_SECRET_ENV]) return ['environment'];
  const order: SignInMethod[] = [];
  if (onPath('az', env)) order.push('azure-cli');
  order.push(ctx.interactive && canOpenBrowser(env) ? 'browser' : 'device-code');
  return order;
}

function credentialFor(method: SignInMethod, ctx: SignInContext): TokenCredential {
  const env = ctx.env ?? process.env;
  // The cloud's own login hosts are in MSAL's tables; any other host (a variable moved it) must not be looked up at
  // login.microsoftonline.com's instance discovery, which would refuse it.
  const common = { tenantId: ctx.tenantId, authorityHost: ctx.hosts.authorityHost, disableInstanceDiscovery: ctx.hosts.overridden };
  switch (method) {
    case 'environment': {
      const clientId = env[ADMIN_CLIENT_ID_ENV];
      const secret = env[ADMIN_CLIENT_SECRET_ENV];
      if (!clientId || !secret) throw messages.createError('error.NoAdminEnvironment', [ADMIN_CLIENT_ID_ENV, ADMIN_CLIENT_SECRET_ENV], [], EXIT_CODES['invalid-input']);
      return new ClientSecretCredential(ctx.tenantId, clientId, secret, common);
    }
    case 'azure-cli':
      return new AzureCliCredential({ tenantId: ctx.tenantId });
    case 'device-code':
      return new DeviceCodeCredential({ ...common, userPromptCallback: (info) => ctx.prompt(remoteText(info.message, [])) });
    case 'browser':
      return new InteractiveBrowserCredential(common);
  }
}

/** Words for a failed sign-in, scrubbed: the library's message may quote a server's reply. */
function signInFailure(method: SignInMethod, error: unknown, env: NodeJS.ProcessEnv): Error {
  const secrets = [env[ADMIN_CLIENT_SECRET_ENV]].filter((value): value is string => Boolean(value));
  const said = remoteText(((error as Error).message ?? String(error)).split('\n')[0], secrets, 400);
  return messages.createError('error.SignInFailed', [messages.getMessage(`signIn.${method}`), said], [messages.getMessage(`fix.${method}`)], EXIT_CODES.credentials);
}

/**
 * Signs in and proves it with a first token. Under `auto`, an Azure CLI that is installed but not logged in (the
 * library says CredentialUnavailableError) gives way to the next sign-in; every other failure stops.
 */
export async function signInToGraph(choice: SignInChoice, ctx: SignInContext): Promise<GraphSignIn> {
  const env = ctx.env ?? process.env;
  const scope = `${ctx.hosts.graphResource}/.default`;
  const order = signInOrder(choice, ctx);
  for (const [index, method] of order.entries()) {
    const credential = credentialFor(method, ctx);
    let current: AccessToken | null;
    try {
      // One sign-in after another, by design: the next is tried only when this one is unavailable.
      // eslint-disable-next-line no-await-in-loop
      current = await credential.getToken(scope);
    } catch (error) {
      if (choice === 'auto' && index < order.length - 1 && (error as Error).name === 'CredentialUnavailableError') continue;
      throw signInFailure(method, error, env);
    }
    // The token is kept here until shortly before it ends: the library would run an interactive sign-in (a new device
    // code) again for every call, and the Azure CLI once per call.
    const token = async (): Promise<string> => {
      if (current && current.expiresOnTimestamp - Date.now() > REFRESH_BEFORE_MS) return current.token;
      try {
        current = await credential.getToken(scope);
      } catch (error) {
        throw signInFailure(method, error, env);
      }
      if (!current) throw signInFailure(method, new Error(messages.getMessage('error.NoToken')), env);
      return current.token;
    };
    return { method, token };
  }
  throw signInFailure(order[order.length - 1], new Error(messages.getMessage('error.NoToken')), env);
}
