/*
 * Where sign-in and Graph calls go. --cloud picks the login host and Graph of a national cloud; two variables point
 * them elsewhere (tests, a proxying gateway): AZURE_AUTHORITY_HOST, @azure/identity's own, and
 * AZURE_AUTHPROVIDER_GRAPH_URL. The token's audience stays the cloud's Graph whatever URL the calls go to.
 */
import { Messages } from '@salesforce/core';
import { EXIT_CODES } from '../errors/exitCodes.js';
import { isLocalHost } from '../input/localHost.js';
import { CLOUD_HOSTS, type Cloud } from '../input/platform.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'graph');

export const AUTHORITY_HOST_ENV = 'AZURE_AUTHORITY_HOST';
export const GRAPH_URL_ENV = 'AZURE_AUTHPROVIDER_GRAPH_URL';

export type GraphHosts = {
  /** https origin MSAL signs in at. */
  authorityHost: string;
  /** Origin the Graph v1.0 calls go to. */
  graphOrigin: string;
  /** The resource the token is for (its `aud`): the scope is `<resource>/.default`. */
  graphResource: string;
  /** Whether a variable moved a host away from the cloud's own: MSAL then must not ask Microsoft about it. */
  overridden: boolean;
};

/** An origin from a variable: https, or http only to this machine (a test double); nothing after the origin. */
function originFrom(variable: string, value: string, allowLocalHttp: boolean): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const schemeOk = url?.protocol === 'https:' || (allowLocalHttp && url?.protocol === 'http:' && isLocalHost(url.hostname));
  if (!url || !schemeOk || url.username || url.password || url.search || url.hash || !/^\/?$/.test(url.pathname)) {
    throw messages.createError('error.BadHostVariable', [variable, allowLocalHttp ? messages.getMessage('host.HttpsOrLocal') : messages.getMessage('host.Https')], [], EXIT_CODES['invalid-input']);
  }
  return url.origin;
}

export function graphHosts(cloud: Cloud, env: NodeJS.ProcessEnv = process.env): GraphHosts {
  const own = CLOUD_HOSTS[cloud];
  const authority = env[AUTHORITY_HOST_ENV]?.trim();
  const graph = env[GRAPH_URL_ENV]?.trim();
  return {
    // MSAL refuses an authority that is not https, loopback or not.
    authorityHost: authority ? originFrom(AUTHORITY_HOST_ENV, authority, false) : `https://${own.authority}`,
    graphOrigin: graph ? originFrom(GRAPH_URL_ENV, graph, true) : `https://${own.graph}`,
    graphResource: `https://${own.graph}`,
    overridden: Boolean(authority),
  };
}
