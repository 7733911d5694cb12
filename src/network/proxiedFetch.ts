/*
 * Every HTTP request the plugin makes itself (Entra's token endpoint, the headless OAuth flow) goes through here, so
 * it takes the proxy sf's org requests take. Node's global fetch ignores the proxy variables; jsforce, under
 * @salesforce/core's Connection, sends every request to the proxy named by the first of https_proxy, http_proxy,
 * HTTPS_PROXY, HTTP_PROXY that is set, whatever the target's scheme. The same proxy is used here, and NO_PROXY (or
 * no_proxy) is honoured too, as curl does (jsforce ignores it). Nothing here logs: a token request's body holds the
 * client secret, and a proxy URL may hold the proxy's password.
 */
import { Messages } from '@salesforce/core';
import { EnvHttpProxyAgent, fetch, type RequestInit, type Response } from 'undici';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'network');

export type { Response };

/** In jsforce's order of precedence. */
const PROXY_VARIABLES = ['https_proxy', 'http_proxy', 'HTTPS_PROXY', 'HTTP_PROXY'] as const;

/** The variable that names the proxy: the first one set, as jsforce reads them (`??`: set to '' means no proxy). */
export function proxyVariable(env: NodeJS.ProcessEnv = process.env): (typeof PROXY_VARIABLES)[number] | undefined {
  return PROXY_VARIABLES.find((name) => env[name] !== undefined);
}

let dispatcher: EnvHttpProxyAgent | undefined;

/** One agent per process, made on the first request: it keeps connections alive across the flow's redirects. */
function agent(): EnvHttpProxyAgent {
  if (dispatcher) return dispatcher;
  const variable = proxyVariable();
  const proxy = variable ? process.env[variable] : undefined;
  try {
    // Both schemes get jsforce's proxy (left alone, the agent picks HTTP_PROXY for http and HTTPS_PROXY for https);
    // NO_PROXY the agent reads from the environment itself.
    dispatcher = new EnvHttpProxyAgent({ httpProxy: proxy, httpsProxy: proxy });
  } catch {
    // The value itself is never repeated: it may carry the proxy's user and password.
    throw new Error(messages.getMessage('ProxyNotAUrl', [variable]));
  }
  return dispatcher;
}

/** fetch, through the proxy the environment names (none when no variable is set, or NO_PROXY covers the host). */
export function proxiedFetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, dispatcher: agent() });
}

type Failure = { code?: unknown; message?: string; cause?: unknown };

/**
 * Why a request never got an answer, in the words of the network layer (ECONNREFUSED, ENOTFOUND), or the proxy's
 * status when the proxy turned it away (403 for a host it blocks, 407 when it wants credentials).
 */
export function networkFailure(error: unknown): string {
  for (let link = error as Failure | undefined; link; link = link.cause as Failure | undefined) {
    // undici's words for a proxy's refusal: "Proxy response (403) !== 200 ...", "Proxy Authentication Required (407)".
    const refused = /^Proxy\b.*\((\d{3})\)/.exec(link.message ?? '');
    if (refused) return messages.getMessage('ProxyRefused', [refused[1]]);
  }
  const cause = (error as Failure).cause as Failure | undefined;
  if (typeof cause?.code === 'string' && cause.code !== '') return cause.code;
  return cause?.message ?? (error as Error).message;
}
