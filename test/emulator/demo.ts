/**
 * npm run demo: try deploy without a Salesforce org. Starts the org emulator, logs in to it under a throwaway HOME
 * (your own sf logins are never touched), runs `sf azure-authprovider deploy` against it as a user would, shows what
 * the org then holds, and stops.
 */
import { spawn } from 'node:child_process';
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
const { connect, recordValue } = await import('./helpers.js');

const secret = 'demo-Secret-&<>"\'-not-real';
const emu = await startEmulator({ orgType: 'production', deployMs: 1500, latencyMs: 20 });
try {
  await saveLogin(emu, 'demo');
  process.stdout.write(`Org emulator at ${emu.instanceUrl} (production org, API 64.0), logged in as ${emu.username} with alias "demo".\n\n`);
  const args = [
    join(root, 'bin', 'run.js'),
    'azure-authprovider',
    'deploy',
    '--target-org',
    'demo',
    '--name',
    'AzureGraph',
    '--tenant-id',
    '72f988bf-86f1-41af-91ab-2d7cd011db47',
    '--client-id',
    '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
    '--headless-auth',
  ];
  process.stdout.write(`$ AZURE_CLIENT_SECRET=... sf ${args.slice(1).join(' ')}\n\n`);
  const status = await new Promise<number | null>((done) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '', AZURE_CLIENT_SECRET: secret } });
    child.once('close', done);
  });

  const stored = await recordValue(connect(emu), 'Azure_Client_Credential.AzureGraph', 'Client_Secret__c');
  process.stdout.write('\nThe org now holds:\n');
  for (const type of ['ApexClass', 'CustomObject', 'CustomMetadata', 'RemoteSiteSetting', 'AuthProvider', 'ExternalCredential', 'NamedCredential', 'PermissionSet']) {
    process.stdout.write(`  ${type.padEnd(20)}${emu.org.list(type).map((component) => component.fullName).join(', ')}\n`);
  }
  process.stdout.write(`  The record's client secret matches the one deployed: ${stored === secret ? 'yes' : 'NO'}\n`);
  process.stdout.write(`  Principal authenticated: ${emu.org.configuredPrincipals.has('azuregraph|namedprincipal') ? 'yes' : 'no'}\n`);
  process.exitCode = status === 0 && stored === secret ? 0 : 1;
} finally {
  await emu.stop();
  rmSync(home, { recursive: true, force: true });
}
