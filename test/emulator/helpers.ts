/** Shared test plumbing: a real jsforce Connection against a running emulator, and deploy-and-wait. */
import { Connection } from '@jsforce/jsforce-node';
import { Emulator, EmulatorOptions, startEmulator } from './index.js';

/** The admin the fixtures name (as execution user). Tests that log in with sf give each org its own username. */
export const FIXTURE_ADMIN = 'admin@emulator.example.com';

export async function start(opts: EmulatorOptions = {}): Promise<{ emu: Emulator; conn: Connection }> {
  const emu = await startEmulator({ queuedPolls: 1, inProgressPolls: 1, username: FIXTURE_ADMIN, ...opts });
  const conn = connect(emu);
  return { emu, conn };
}

export function connect(emu: Emulator, accessToken = emu.accessToken): Connection {
  const conn = new Connection({ instanceUrl: emu.instanceUrl, accessToken, version: '62.0' });
  conn.metadata.pollInterval = 20;
  conn.metadata.pollTimeout = 20000;
  return conn;
}

export type DeployOpts = {
  checkOnly?: boolean;
  rollbackOnError?: boolean;
  singlePackage?: boolean;
  testLevel?: 'NoTestRun' | 'RunSpecifiedTests' | 'RunLocalTests' | 'RunAllTestsInOrg';
  runTests?: string[];
};

/** Deploy and poll checkDeployStatus (with details) until done, as jsforce does. */
export async function deployAndWait(conn: Connection, zip: Buffer, opts: DeployOpts = {}) {
  return conn.metadata.deploy(zip, { rollbackOnError: true, ...opts }).complete(true);
}

export function asArray<T>(x: T | T[] | undefined | null): T[] {
  if (x === undefined || x === null) return [];
  return Array.isArray(x) ? x : [x];
}

/**
 * One field of a custom metadata record as readMetadata returns it. jsforce hands back a typed value
 * (xsi:type="xsd:string") as `{ _: text }`, and a plain one as the text itself.
 */
export async function recordValue(conn: Connection, record: string, field: string): Promise<unknown> {
  const read = (await conn.metadata.read('CustomMetadata', record)) as unknown as { values?: Array<{ field: string; value: unknown }> | { field: string; value: unknown } };
  const value = asArray(read.values).find((entry) => entry.field === field)?.value;
  return typeof value === 'object' && value !== null ? (value as { _: string })._ : value;
}

/**
 * The client secret a plugin provider's token credential (`<provider>_Token`, principal NamedPrincipal) holds, as the
 * org keeps it for its own use: encrypted, form-encoded for the token request's body. Undefined when it holds none.
 */
export function tokenCredentialSecret(emu: Emulator, provider: string): string | undefined {
  const held = emu.org.principalCredentials.get(emu.org.principalKey(`${provider}_Token`, 'NamedPrincipal'))?.ClientSecret;
  if (!held?.encrypted) return undefined;
  return new URLSearchParams(`v=${held.value}`).get('v') ?? undefined;
}
