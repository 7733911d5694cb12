/*
 * What generate writes must be accepted by an org. The emulator validates it with its own knowledge of the
 * Metadata API (schema, cross-references, Apex syntax, test levels), independently of the generator; SDR turns the
 * source files into the metadata-format zip that `sf project deploy start` would send.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';
import { parseBundleSpec, type ProviderInput } from '../../src/input/providerSpec.js';
import { renderBundle } from '../../src/render/renderBundle.js';
import { writeBundle } from '../../src/generate/writeBundle.js';
import { asArray, deployAndWait, recordValue, start } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT } from '../helpers/values.js';

async function zipOf(providers: ProviderInput[], apiVersion: string, secrets?: Record<string, string>): Promise<Buffer> {
  const dir = join(mkdtempSync(join(tmpdir(), 'aap-deploy-')), 'force-app');
  await writeBundle(renderBundle(parseBundleSpec({ apiVersion, providers }), { secrets }), dir);
  const components = ComponentSet.fromSource(dir);
  components.sourceApiVersion = apiVersion;
  const result = await new MetadataConverter().convert(components, 'metadata', { type: 'zip' });
  if (!result.zipBuffer) throw new Error('SDR produced no zip');
  return result.zipBuffer;
}

describe('the generated bundle deploys to an org', () => {
  let emu: Emulator;
  let conn: Awaited<ReturnType<typeof start>>['conn'];
  beforeEach(async () => {
    ({ emu, conn } = await start({ orgType: 'production' }));
  });
  afterEach(() => emu.stop());

  it('deploys the External Credential model with its test class and token credential on production, no secret in it', async () => {
    const providers = [{ name: 'AzureGraph', tenantId: TENANT, clientId: CLIENT_ID, executionUser: emu.username, refreshStatusCodes: ['403'] }];
    const zip = await zipOf(providers, '62.0', { AzureGraph: HOSTILE_SECRET });
    const result = await deployAndWait(conn, zip, { testLevel: 'RunSpecifiedTests', runTests: ['AzureClientCredentialsProviderTest'] });
    expect(asArray(result.details?.componentFailures)).toEqual([]);
    expect(result.success).toBe(true);
    expect(result.numberTestsTotal).toBeGreaterThan(10);

    const provider = (await conn.metadata.read('AuthProvider', 'AzureGraph')) as unknown as Record<string, string>;
    expect(provider).toMatchObject({ providerType: 'Custom', plugin: 'AzureClientCredentialsProvider', executionUser: emu.username });
    // The secret goes to the token credential's principal through Connect REST after a deploy, never in the bundle.
    expect(await recordValue(conn, 'Azure_Client_Credential.AzureGraph', 'Client_Secret__c')).toBeUndefined();
    expect(await recordValue(conn, 'Azure_Client_Credential.AzureGraph', 'Token_Credential__c')).toBe('AzureGraph_Token');
    for (const [type, name] of [
      ['NamedCredential', 'AzureGraph'],
      ['NamedCredential', 'AzureGraph_Token'],
      ['ExternalCredential', 'AzureGraph'],
      ['ExternalCredential', 'AzureGraph_Token'],
      ['PermissionSet', 'AzureGraph_Callout'],
      ['RemoteSiteSetting', 'TokenHost_login_microsoftonline_com'],
    ]) {
      expect(await conn.metadata.read(type as 'CustomObject', name)).toMatchObject({ fullName: name });
    }
  });

  it('deploys the legacy model on an org whose newest API is 58.0', async () => {
    const zip = await zipOf([{ name: 'LegacyGraph', tenantId: TENANT, clientId: CLIENT_ID, model: 'legacy', executionUser: emu.username }], '58.0');
    const result = await deployAndWait(conn, zip, { testLevel: 'RunSpecifiedTests', runTests: ['AzureClientCredentialsProviderTest'] });
    expect(asArray(result.details?.componentFailures)).toEqual([]);
    expect(result.success).toBe(true);
    expect(await conn.metadata.read('NamedCredential', 'LegacyGraph')).toMatchObject({ authProvider: 'LegacyGraph', protocol: 'Oauth' });
  });

  it('is refused when the execution user does not exist, and nothing is stored', async () => {
    const zip = await zipOf([{ name: 'AzureGraph', tenantId: TENANT, clientId: CLIENT_ID, executionUser: 'nobody@contoso.com' }], '62.0');
    const result = await deployAndWait(conn, zip, { testLevel: 'RunSpecifiedTests', runTests: ['AzureClientCredentialsProviderTest'] });
    expect(result.success).toBe(false);
    expect(asArray(result.details?.componentFailures).map((f) => f.problem)).toContain('In field: executionUser - no User named nobody@contoso.com found');
    expect(await conn.metadata.list([{ type: 'AuthProvider' }])).toEqual([]);
  });
});
