/**
 * Stores an emulator login under HOME in a child process (see test/emulator/login.ts for why not in process): one
 * lasting test/helpers/loginServer.ts per HOME, for the test file that asks, instead of one process per login.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { start } from '../emulator/helpers.js';
import type { Emulator, EmulatorOptions } from '../emulator/index.js';
import { COMPILE_CACHE, PLUGIN_ROOT } from './runCli.js';

type Reply = { id: number; username?: string; error?: string };
type Server = { child: ChildProcessWithoutNullStreams; pending: Map<number, { resolve: () => void; reject: (error: Error) => void }>; stderr: string };

const servers = new Map<string, Server>();
let requests = 0;

function serverFor(home: string): Server {
  const running = servers.get(home);
  if (running) return running;
  const child = spawn(process.execPath, ['--import', 'tsx', join(PLUGIN_ROOT, 'test/helpers/loginServer.ts')], {
    cwd: PLUGIN_ROOT,
    env: { ...process.env, NODE_OPTIONS: '', NODE_COMPILE_CACHE: COMPILE_CACHE, HOME: home },
  });
  const server: Server = { child, pending: new Map(), stderr: '' };
  servers.set(home, server);
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (server.stderr += chunk));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const reply = JSON.parse(line) as Reply;
    const waiting = server.pending.get(reply.id);
    server.pending.delete(reply.id);
    if (reply.error) waiting?.reject(new Error(`login failed: ${reply.error}`));
    else waiting?.resolve();
    idle(server);
  });
  child.once('exit', (code, signal) => {
    servers.delete(home);
    for (const { reject } of server.pending.values()) reject(new Error(`the login process ended (${String(code ?? signal)}):\n${server.stderr}`));
    server.pending.clear();
  });
  return server;
}

/** A server holds its asker's event loop open only while a login is under way, so that no run waits for it to end. */
function idle(server: Server): void {
  const handles = [server.child, server.child.stdout, server.child.stderr, server.child.stdin] as unknown as Array<{ ref(): void; unref(): void }>;
  const busy = server.pending.size > 0;
  for (const handle of handles) if (busy) handle.ref();
  else handle.unref();
}

/** Under `home` when given (where another sf is to find it), else this process's HOME. */
export async function loginAs(emu: Emulator, alias: string, home = process.env.HOME!): Promise<void> {
  const server = serverFor(home);
  const id = ++requests;
  const done = new Promise<void>((resolve, reject) => server.pending.set(id, { resolve, reject }));
  idle(server);
  server.child.stdin.write(`${JSON.stringify({ id, instanceUrl: emu.instanceUrl, refreshToken: emu.refreshToken, alias })}\n`);
  return done;
}

/** Ends the login processes (their stdin closes, they finish what was asked and exit). */
export function stopLoginServers(): void {
  for (const { child } of servers.values()) child.stdin.end();
  servers.clear();
}

// Under jest, each test file's login processes end with it.
if (typeof afterAll === 'function') afterAll(stopLoginServers);

let sandboxes = 0;

/**
 * A new emulated sandbox, logged in to sf as `<prefix><n>` (its admin `admin@<alias>.example.com`), with its request
 * log emptied so a test sees only its own command's requests.
 */
export async function freshSandbox(prefix: string, options: EmulatorOptions = {}): Promise<{ emu: Emulator; alias: string }> {
  const alias = `${prefix}${++sandboxes}`;
  const { emu } = await start({ username: `admin@${alias}.example.com`, orgType: 'sandbox', ...options });
  await loginAs(emu, alias);
  emu.org.requests.length = 0;
  return { emu, alias };
}
