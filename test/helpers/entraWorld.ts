/*
 * The world the Entra-side command tests run in: a fake token endpoint and a fake Microsoft Graph that share their
 * apps, an emulated org logged in to sf under `alias`, and the administrator's own Graph client (signed in through
 * the real @azure/identity with the service principal `admin`), to arrange apps as an administrator would.
 */
import { startFakeEntra, type FakeEntra } from '../entra/fakeEntra.js';
import { startFakeGraph, type FakeGraph } from '../entra/fakeGraph.js';
import { trustInProcess } from '../entra/selfSignedTls.js';
import { start } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { loginAs } from './orgLogin.js';
import { TENANT } from './values.js';
import { graphHosts } from '../../src/entra/graphHosts.js';
import { signInToGraph } from '../../src/entra/graphSignIn.js';
import { graphClient, type GraphClient } from '../../src/entra/graphClient.js';

export type GraphAdmin = { clientId: string; secret: string; roles: string[] };
export type EntraWorld = { emu: Emulator; entra: FakeEntra; graph: FakeGraph; admin: GraphClient; stop: () => Promise<void> };

/** `routeLogin`: the org's own token requests (token credential, native principal) reach the fake token endpoint. */
export async function startEntraWorld(options: { username: string; alias: string; admin: GraphAdmin; routeLogin?: boolean; arrange?: (emu: Emulator) => void }): Promise<EntraWorld> {
  const entra = await startFakeEntra({ apps: [] });
  const graph = await startFakeGraph({ entra, tenantId: TENANT, admins: [options.admin] });
  trustInProcess(graph.tls);
  const { emu } = await start({ username: options.username, orgType: 'production' });
  options.arrange?.(emu);
  if (options.routeLogin) emu.org.routeOutbound('https://login.microsoftonline.com', new URL(entra.tokenUrl(TENANT)).origin);
  await loginAs(emu, options.alias);
  const env = { AZURE_AUTHPROVIDER_ADMIN_CLIENT_ID: options.admin.clientId, AZURE_AUTHPROVIDER_ADMIN_CLIENT_SECRET: options.admin.secret };
  const signIn = await signInToGraph('environment', { tenantId: TENANT, hosts: graphHosts('global', graph.env), env, prompt: () => undefined });
  const admin = graphClient(signIn.token, graph.origin);
  const stop = async (): Promise<void> => {
    await emu.stop();
    await graph.stop();
    await entra.stop();
  };
  return { emu, entra, graph, admin, stop };
}
