/**
 * npm run emulator -- [--port <p>] [--alias <a>] [--api-version 64.0] [--latency-ms <n>]
 *   [--fail <operation>:<status|fault kind>:<count>]... [--org-type production|sandbox|scratch]
 *   [--deploy-ms <n>] [--queued-polls <n>] [--in-progress-polls <n>] [--session-calls <n>]
 *   [--username <u>] [--user <username>]... [--route <origin>=<origin>]...
 * Prints one JSON line {instanceUrl, accessToken, username, orgId} and serves until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startEmulator } from './index.js';
import { FAULT_KINDS, type FaultKind, type OrgType } from './org.js';
import { saveLogin } from './login.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    alias: { type: 'string' },
    'api-version': { type: 'string', default: '64.0' },
    'latency-ms': { type: 'string', default: '0' },
    fail: { type: 'string', multiple: true, default: [] },
    'org-type': { type: 'string', default: 'production' },
    'deploy-ms': { type: 'string', default: '0' },
    'queued-polls': { type: 'string', default: '1' },
    'in-progress-polls': { type: 'string', default: '1' },
    'session-calls': { type: 'string' },
    username: { type: 'string' },
    user: { type: 'string', multiple: true, default: [] },
    route: { type: 'string', multiple: true, default: [] },
  },
  strict: true,
});

function die(msg: string): never {
  process.stderr.write(`emulator: ${msg}\n`);
  process.exit(2);
}

const num = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) die(`--${name} must be a non-negative number`);
  return n;
};

const orgType = values['org-type'] as OrgType;
if (!['production', 'sandbox', 'scratch'].includes(orgType)) die('--org-type must be production, sandbox or scratch');
if (!/^\d+\.0$/.test(values['api-version']!)) die('--api-version must look like 64.0');

const emu = await startEmulator({
  port: num('port', values.port),
  host: values.host,
  apiVersion: values['api-version'],
  latencyMs: num('latency-ms', values['latency-ms']),
  orgType,
  username: values.username,
  deployMs: num('deploy-ms', values['deploy-ms']),
  queuedPolls: num('queued-polls', values['queued-polls']),
  inProgressPolls: num('in-progress-polls', values['in-progress-polls']),
  sessionCalls: values['session-calls'] !== undefined ? num('session-calls', values['session-calls']) : undefined,
});
for (const u of values.user ?? []) emu.org.addUser({ username: u });
for (const f of values.fail ?? []) {
  const [, operation = '', how = '', count = ''] = /^(\w+):([\w-]+):(\d+)$/.exec(f) ?? [];
  const kind = (FAULT_KINDS as readonly string[]).includes(how) ? (how as FaultKind) : /^\d{3}$/.test(how) ? Number(how) : undefined;
  if (!operation || kind === undefined) die(`--fail ${f}: expected <operation>:<status|${FAULT_KINDS.join('|')}>:<count>`);
  emu.org.injectFault(operation, kind, Number(count));
}

// The org's own outbound requests (its token fetches): https://login.microsoftonline.com=http://127.0.0.1:4568 sends
// them to a fake Entra started by hand (npm run fake-entra), as a test's DNS would.
for (const r of values.route ?? []) {
  const [from, to] = r.split('=');
  try {
    emu.org.routeOutbound(new URL(from).origin, new URL(to).origin);
  } catch {
    die(`--route ${r}: expected <origin>=<origin>, e.g. https://login.microsoftonline.com=http://127.0.0.1:4568`);
  }
}

// Store the org like `sf org login` does (honours HOME / SF_* state folders), with a refresh token.
if (values.alias) await saveLogin(emu, values.alias);

process.stdout.write(`${JSON.stringify({ instanceUrl: emu.instanceUrl, accessToken: emu.accessToken, username: emu.username, orgId: emu.orgId })}\n`);

const shutdown = (): void => {
  void emu.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
process.on('SIGHUP', shutdown);
