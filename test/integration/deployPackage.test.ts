/*
 * The deploy building blocks against the emulator: our in-memory zip matches what SDR (the engine of
 * `sf project deploy start`) makes from the same source files, failures come back as rows with hints, and a deploy
 * that outlives --wait stops waiting with its ID.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import type { Connection } from '@salesforce/core';
import { ComponentSet, MetadataConverter } from '@salesforce/source-deploy-retrieve';
import { parseBundleSpec, type ProviderInput } from '../../src/input/providerSpec.js';
import { renderBundle } from '../../src/render/renderBundle.js';
import { writeBundle } from '../../src/generate/writeBundle.js';
import { metadataZip, toMetadataPackage } from '../../src/salesforce/metadataPackage.js';
import { deployPackage } from '../../src/salesforce/deployPackage.js';
import { deployReport } from '../../src/salesforce/deployReport.js';
import { start } from '../emulator/helpers.js';
import type { Emulator } from '../emulator/index.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT } from '../helpers/values.js';

const providers: ProviderInput[] = [
  { name: 'AzureGraph', tenantId: TENANT, clientId: CLIENT_ID, executionUser: 'admin@emulator.example.com', refreshStatusCodes: ['403'] },
  { name: 'LegacyApi', tenantId: TENANT, clientId: CLIENT_ID, model: 'legacy', resource: 'https://management.azure.com' },
];

/** Zip entries with XML reduced to its elements' text, so formatting differences do not count. */
async function entries(zip: Buffer): Promise<Map<string, string>> {
  const archive = await JSZip.loadAsync(zip);
  const found = new Map<string, string>();
  for (const [path, file] of Object.entries(archive.files)) {
    if (file.dir) continue;
    const text = await file.async('string');
    found.set(path, path.endsWith('.cls') ? text : text.replace(/>\s+</g, '><').trim());
  }
  return found;
}

describe('the metadata-format zip', () => {
  it('holds the same files and content as SDR makes from the generated source', async () => {
    const spec = parseBundleSpec({ apiVersion: '62.0', providers });
    const files = renderBundle(spec, { secrets: { AzureGraph: HOSTILE_SECRET, LegacyApi: HOSTILE_SECRET } });
    const ours = await entries(await metadataZip(toMetadataPackage(files, spec.apiVersion)));

    const dir = join(mkdtempSync(join(tmpdir(), 'aap-sdr-')), 'force-app');
    await writeBundle(files, dir);
    const components = ComponentSet.fromSource(dir);
    components.sourceApiVersion = spec.apiVersion;
    const sdr = await entries((await new MetadataConverter().convert(components, 'metadata', { type: 'zip' })).zipBuffer!);

    expect([...ours.keys()].sort()).toEqual([...sdr.keys()].sort());
    for (const [path, content] of ours) {
      if (path === 'package.xml') continue;
      if (path.endsWith('.object')) {
        // SDR appends the fields after the object's own elements; we place them where the schema sequence wants.
        const elements = (xml: string): string[] => (xml.match(/<(\w+)>[^]*?<\/\1>/g) ?? []).sort();
        expect(elements(content)).toEqual(elements(sdr.get(path)!));
      } else {
        expect(content).toBe(sdr.get(path));
      }
    }
    const members = (xml: string): string[] => (xml.match(/<members>[^<]+<\/members>|<name>[^<]+<\/name>|<version>[^<]+<\/version>/g) ?? []).sort();
    // SDR also lists each CustomField; a deploy takes the fields from the object file either way.
    expect(members(ours.get('package.xml')!)).toEqual(members(sdr.get('package.xml')!).filter((m) => !/<members>Azure_Client_Credential__mdt\./.test(m) && m !== '<name>CustomField</name>'));
  });
});

describe('deployPackage and deployReport against the emulator', () => {
  let emu: Emulator;
  let conn: Connection;
  beforeEach(async () => {
    let jsforce;
    ({ emu, conn: jsforce } = await start({ orgType: 'sandbox' }));
    // The same jsforce Connection that @salesforce/core's extends.
    conn = jsforce as unknown as Connection;
  });
  afterEach(() => emu.stop());

  const zipFor = async (input: ProviderInput[]): Promise<Buffer> => {
    const spec = parseBundleSpec({ apiVersion: '62.0', providers: input });
    return metadataZip(toMetadataPackage(renderBundle(spec), spec.apiVersion));
  };

  it('turns component failures into rows with the line and a hint that names the fix', async () => {
    const zip = await zipFor([{ ...providers[0], executionUser: 'ghost@contoso.com' }]);
    const seen: string[] = [];
    const result = await deployPackage(conn, zip, { checkOnly: false, testLevel: 'NoTestRun', runTests: [], waitMs: 60000, onProgress: (p) => seen.push(p.status) });
    const report = deployReport(result, 'NoTestRun');
    expect(report.success).toBe(false);
    expect(report.components).toEqual([]);
    expect(report.componentFailures).toEqual([
      expect.objectContaining({
        type: 'AuthProvider',
        name: 'AzureGraph',
        problem: 'In field: executionUser - no User named ghost@contoso.com found',
        line: expect.any(Number),
        hint: expect.stringContaining('--execution-user'),
      }),
    ]);
    expect(seen.at(-1)).toBe('Failed');
    expect(emu.org.list('AuthProvider')).toEqual([]);
  });

  it('stops waiting after waitMs and names the deploy that keeps running', async () => {
    await emu.stop();
    ({ emu } = await start({ orgType: 'sandbox', deployMs: 5000, queuedPolls: 0, inProgressPolls: 0 }));
    const { connect } = await import('../emulator/helpers.js');
    const slow = connect(emu) as unknown as Connection;
    await expect(deployPackage(slow, await zipFor([providers[0]]), { checkOnly: true, testLevel: 'NoTestRun', runTests: [], waitMs: 300 })).rejects.toMatchObject({
      name: 'DeployTimeoutError',
      exitCode: 69,
      message: expect.stringMatching(/did not finish within the wait time \(1 s\).*deploy ID 0Af/),
      actions: [expect.stringMatching(/sf project deploy report --job-id 0Af/)],
    });
  });
});
