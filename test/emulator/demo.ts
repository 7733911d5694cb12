/**
 * npm run demo: try deploy and verify without a Salesforce org or an Entra tenant. Starts the org emulator and a fake
 * Entra token endpoint, logs in to the emulator under a throwaway HOME (your own sf logins are never touched), runs
 * `sf azure-authprovider deploy` against it as a user would, shows what the org then holds, runs
 * `sf azure-authprovider verify` (token check against the fake Entra, in-org check against the emulator), and stops.
 * The emulator runs no Apex: the one Apex result it cannot model (the plugin's refresh) the demo plays, saying so.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const home = mkdtempSync(join(tmpdir(), 'aap-demo-home-'));
process.env.HOME = home;
process.env.SF_DISABLE_TELEMETRY = 'true';
const { startEmulator } = await import('./index.js');
const { saveLogin } = await import('./login.js');
const { connect, recordValue, tokenCredentialSecret } = await import('./helpers.js');
const { startFakeEntra } = await import('../entra/fakeEntra.js');

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b';

/** Runs the plugin's bin/run.js as `sf` would, showing the command line (the secret comes from the environment). */
function sf(args: string[], secret?: string, env: NodeJS.ProcessEnv = {}): Promise<number | null> {
  process.stdout.write(`$ ${secret === undefined ? '' : 'AZURE_CLIENT_SECRET=... '}sf azure-authprovider ${args.join(' ')}\n\n`);
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'run.js'), 'azure-authprovider', ...args], {
      stdio: 'inherit',
      env: { ...process.env, NODE_OPTIONS: '', ...(secret === undefined ? {} : { AZURE_CLIENT_SECRET: secret }), ...env },
    });
    child.once('close', done);
  });
}

/**
 * The create-app path: from no app registration at all, one command creates it at a fake Microsoft Graph (signed in as
 * a service principal from the environment, through @azure/identity), grants Organization.Read.All, adds a secret that
 * flows into the deploy in memory, and deploys a native provider; verify then passes, and a rerun changes nothing.
 */
async function createAppPart(): Promise<number | null> {
  const { startFakeGraph } = await import('../entra/fakeGraph.js');
  const entra = await startFakeEntra({ apps: [], domains: { 'contoso.onmicrosoft.com': TENANT } });
  const admin = { clientId: 'aaaaaaaa-0000-4000-8000-000000000001', secret: randomBytes(16).toString('hex'), roles: ['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All'] };
  const graph = await startFakeGraph({ entra, tenantId: TENANT, domains: { 'contoso.onmicrosoft.com': TENANT }, admins: [admin], secretDelayMs: 2500 });
  try {
    emu.org.routeOutbound('https://login.microsoftonline.com', new URL(entra.tokenUrl(TENANT)).origin);
    process.stdout.write(
      `\n--- The Entra side too: a fake Microsoft Graph and login host at ${graph.origin} (HTTPS, self-signed; AZURE_AUTHORITY_HOST and\n` +
        'AZURE_AUTHPROVIDER_GRAPH_URL point there). No app registration exists yet. A new secret replicates for 2.5 s here.\n\n'
    );
    const env = { ...graph.env, AZURE_AUTHPROVIDER_ADMIN_CLIENT_ID: admin.clientId, AZURE_AUTHPROVIDER_ADMIN_CLIENT_SECRET: admin.secret };
    const args = ['deploy', '--target-org', 'demo', '--name', 'AzureGraphApp', '--tenant-id', 'contoso.onmicrosoft.com', '--create-app', '--permission', 'Organization.Read.All', '--mode', 'native'];
    const first = await sf(args, undefined, env);
    process.stdout.write(`\nEntra now holds ${graph.applications.length} app registration(s); the app's roles at the token endpoint: ${entra.apps.map((app) => app.roles?.join(', ')).join('; ')}\n\n`);
    const check = await sf(['verify', '--target-org', 'demo', '--name', 'AzureGraphApp'], undefined, {});
    const writes = graph.requests.filter((request) => request.method !== 'GET').length;
    process.stdout.write('\nThe same command again:\n\n');
    const again = await sf(args, undefined, env);
    const unchanged = graph.requests.filter((request) => request.method !== 'GET').length === writes;
    process.stdout.write(`\nChanges made at Entra by the rerun: ${unchanged ? 'none' : 'SOME'}\n`);
    return first === 0 && check === 0 && again === 0 && unchanged ? 0 : 1;
  } finally {
    await graph.stop();
    await entra.stop();
  }
}

const secret = 'demo-Secret-&<>"\'-not-real';
const emu = await startEmulator({ orgType: 'production', deployMs: 1500, latencyMs: 20 });
try {
  await saveLogin(emu, 'demo');
  process.stdout.write(`Org emulator at ${emu.instanceUrl} (production org, API 64.0), logged in as ${emu.username} with alias "demo".\n\n`);
  const status = await sf(['deploy', '--target-org', 'demo', '--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', CLIENT, '--headless-auth'], secret);
  // The secret lives encrypted in the token credential's principal (stored form-encoded); the record holds none.
  const inRecord = await recordValue(connect(emu), 'Azure_Client_Credential.AzureGraph', 'Client_Secret__c');
  const stored = inRecord === undefined ? tokenCredentialSecret(emu, 'AzureGraph') : undefined;
  process.stdout.write('\nThe org now holds:\n');
  for (const type of ['ApexClass', 'CustomObject', 'CustomMetadata', 'RemoteSiteSetting', 'AuthProvider', 'ExternalCredential', 'NamedCredential', 'PermissionSet']) {
    process.stdout.write(`  ${type.padEnd(20)}${emu.org.list(type).map((component) => component.fullName).join(', ')}\n`);
  }
  process.stdout.write(`  The record holds no client secret: ${inRecord === undefined ? 'yes' : 'NO'}\n`);
  process.stdout.write(`  The token credential AzureGraph_Token holds it, encrypted: ${stored === secret ? 'yes' : 'NO'}\n`);
  process.stdout.write(`  Principal authenticated: ${emu.org.configuredPrincipals.has('azuregraph|namedprincipal') ? 'yes' : 'no'}\n\n`);

  const entra = await startFakeEntra({ apps: [{ tenantId: TENANT, clientId: CLIENT, secret, roles: ['Organization.Read.All', 'User.Read.All'] }] });
  let verified: number | null;
  try {
    process.stdout.write(`A fake Entra token endpoint answers at ${entra.tokenUrl(TENANT)}, for this machine and for the org.\n`);
    emu.org.routeOutbound('https://login.microsoftonline.com', new URL(entra.tokenUrl(TENANT)).origin);
    // The emulator runs no Apex: the plugin's refresh() (verify's token-in-org check) would fail as "not modeled by the
    // emulator". The demo plays that result itself, and says so: nothing here pretends the plugin ran.
    emu.org.setApexOutcome((body) => (body.includes('new AzureClientCredentialsProvider().refresh(') ? { success: true } : undefined));
    process.stdout.write(
      "The emulator cannot run Apex, so for verify's token-in-org check the emulator plays the org's Apex result: the plugin's\n" +
        'refresh() returned a token (played by this demo, not run). The token request through the token credential and the\n' +
        'callout through the Named Credential are modeled: real HTTP requests to the fake Entra and the callout responder.\n\n'
    );
    verified = await sf(['verify', '--target-org', 'demo', '--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', CLIENT, '--token-url', entra.tokenUrl(TENANT)], secret);
    process.stdout.write("\nThe token-in-org row above was played by the emulator as this demo scripted it; a real org runs the plugin's Apex.\n");
  } finally {
    await entra.stop();
  }
  const created = await createAppPart();
  process.exitCode = status === 0 && stored === secret && verified === 0 && created === 0 ? 0 : 1;
} finally {
  await emu.stop();
  rmSync(home, { recursive: true, force: true });
}
