/**
 * npm run fake-entra -- [--port <p>] [--host 127.0.0.1] [--tenant-id <guid>] [--client-id <guid>] [--role <name>]...
 * A fake Entra token endpoint for trying the plugin by hand: one app, whose secret is read from AZURE_CLIENT_SECRET
 * (never from the command line, where `ps` shows it). Prints one JSON line {tokenUrl, tenantId, clientId, origin}
 * and serves until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startFakeEntra } from './fakeEntra.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'tenant-id': { type: 'string', default: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
    'client-id': { type: 'string', default: '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b' },
    role: { type: 'string', multiple: true, default: ['Organization.Read.All'] },
  },
  strict: true,
});

function die(message: string): never {
  process.stderr.write(`fake-entra: ${message}\n`);
  process.exit(2);
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) die('--port must be a port number (0 picks a free one)');
for (const flag of ['tenant-id', 'client-id'] as const) if (!guid.test(values[flag]!)) die(`--${flag} must be a lower-case GUID`);
const secret = process.env.AZURE_CLIENT_SECRET;
if (!secret) die('set AZURE_CLIENT_SECRET to the secret the fake app accepts');

const entra = await startFakeEntra({
  apps: [{ tenantId: values['tenant-id']!, clientId: values['client-id']!, secret, roles: values.role }],
  port,
  host: values.host,
});
const tokenUrl = entra.tokenUrl(values['tenant-id']!);
process.stdout.write(`${JSON.stringify({ tokenUrl, tenantId: values['tenant-id'], clientId: values['client-id'], origin: new URL(tokenUrl).origin })}\n`);

const shutdown = (): void => {
  void entra.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
process.on('SIGHUP', shutdown);
