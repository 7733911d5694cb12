import { jest } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import Generate from '../../src/commands/azure-authprovider/generate.js';
import { filesBelow, filesContaining, PLUGIN_ROOT, runCli } from '../helpers/runCli.js';
import { certificateFlags, certificateThumbprint, CLIENT_ID, HOSTILE_SECRET, TENANT, validFlags } from '../helpers/values.js';
import { parseXml, recordValues } from '../helpers/xml.js';

// Keep the in-process runs' output out of the test report.
beforeAll(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterAll(() => jest.restoreAllMocks());
// A command that fails in process sets process.exitCode, as it would for the CLI; jest would take it as its own.
afterEach(() => {
  process.exitCode = undefined;
});

function freshDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'aap-gen-')), 'force-app');
}

describe('generate, in process', () => {
  it('writes the whole bundle, then finds nothing to change on a second run', async () => {
    const dir = freshDir();
    const first = await Generate.run([...validFlags, '--output-dir', dir, '--execution-user', 'admin@contoso.com'], { root: PLUGIN_ROOT });
    expect(first.files).toHaveLength(24);
    expect(first.files.every((f) => f.state === 'created')).toBe(true);
    expect(filesBelow(dir)).toHaveLength(24);
    expect(first.providers[0]).toMatchObject({ name: 'AzureGraph', callbackPath: '/services/authcallback/AzureGraph', model: 'external' });

    const second = await Generate.run([...validFlags, '--output-dir', dir, '--execution-user', 'admin@contoso.com'], { root: PLUGIN_ROOT });
    expect(second.files.every((f) => f.state === 'unchanged')).toBe(true);

    const third = await Generate.run([...validFlags, '--output-dir', dir, '--execution-user', 'other@contoso.com'], { root: PLUGIN_ROOT });
    expect(third.files.filter((f) => f.state === 'changed').map((f) => f.type)).toEqual(['AuthProvider']);
  });

  it('adds only the second provider\'s own pieces to an existing package directory', async () => {
    const dir = freshDir();
    await Generate.run([...validFlags, '--output-dir', dir], { root: PLUGIN_ROOT });
    const second = await Generate.run(
      ['--name', 'SharePoint', '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--scope', 'https://contoso.sharepoint.com/.default', '--output-dir', dir],
      { root: PLUGIN_ROOT }
    );
    expect(second.files.filter((f) => f.state === 'created').map((f) => f.type)).toEqual([
      'CustomMetadata',
      'AuthProvider',
      'NamedCredential',
      'ExternalCredential',
      'PermissionSet',
      'ExternalCredential',
      'NamedCredential',
    ]);
    expect(second.files.filter((f) => f.state === 'changed')).toEqual([]);
  });

  it('writes nothing when one target cannot be replaced', async () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'main/default/classes/AzureClientCredentialsProvider.cls'), { recursive: true });
    await expect(Generate.run([...validFlags, '--output-dir', dir], { root: PLUGIN_ROOT })).rejects.toThrow(/Refusing to replace .*AzureClientCredentialsProvider.cls/);
    expect(filesBelow(dir)).toEqual([]);
  });

  it('stages under unpredictable names: a file at the old predictable staging name neither blocks the write nor is touched', async () => {
    const dir = freshDir();
    // Staging names were once the target's name and this process's pid, so a file there made every run fail.
    const blocker = join(dir, `main/default/classes/AzureClientCredentialsProvider.cls.${process.pid}.tmp`);
    mkdirSync(join(dir, 'main/default/classes'), { recursive: true });
    writeFileSync(blocker, 'not ours');
    const result = await Generate.run([...validFlags, '--output-dir', dir], { root: PLUGIN_ROOT });
    expect(result.files).toHaveLength(24);
    expect(filesBelow(dir)).toHaveLength(25);
    expect(readFileSync(blocker, 'utf8')).toBe('not ours');
  });
});

describe('generate, as a user runs it', () => {
  it('returns the files written with --json, and the secret reaches no output, file or log', () => {
    const dir = freshDir();
    const run = runCli('generate', [...validFlags, '--output-dir', dir, '--json'], { AZURE_CLIENT_SECRET: HOSTILE_SECRET, SF_LOG_LEVEL: 'trace' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout) as { status: number; result: { files: Array<{ path: string; state: string }>; secret: { source: string } } };
    expect(json.status).toBe(0);
    expect(json.result.files.map((f) => f.path).sort()).toEqual(filesBelow(dir).sort());
    expect(json.result.secret.source).toBe('AZURE_CLIENT_SECRET');
    for (const needle of [HOSTILE_SECRET, 'sEcReT']) {
      expect(run.stdout).not.toContain(needle);
      expect(filesContaining(dir, needle)).toEqual([]);
      expect(filesContaining(run.home, needle)).toEqual([]);
    }
  });

  it('writes from the built plugin exactly what the sources write', async () => {
    // The CLI runs lib/, with the templates precompiled by the build; in process, src/ compiles them.
    const flags = [...validFlags, '--refresh-status-code', '403', '--execution-user', 'admin@contoso.com'];
    const [cli, inProcess] = [freshDir(), freshDir()];
    expect(runCli('generate', [...flags, '--output-dir', cli]).status).toBe(0);
    await Generate.run([...flags, '--output-dir', inProcess], { root: PLUGIN_ROOT });
    const contents = (dir: string): Map<string, string> => new Map(filesBelow(dir).map((path) => [relative(dir, path), readFileSync(path, 'utf8')]));
    expect(contents(cli).size).toBe(24);
    expect(contents(cli)).toEqual(contents(inProcess));
  });

  it('prints the table, the provider, how the secret is supplied and the next steps', () => {
    const dir = freshDir();
    const run = runCli('generate', [...validFlags, '--output-dir', dir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Wrote the metadata to .* \(24 files\)/);
    expect(run.stdout).toMatch(/created\s+│?\s*AuthProvider\s/);
    expect(run.stdout).toContain(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`);
    // The ways that keep the secret out of shell history come first; the flag last, with its drawback.
    expect(run.stdout).toMatch(/Client secret: not written\. Deploy reads it from AZURE_CLIENT_SECRET, --client-secret-stdin or a hidden prompt \(--client-secret works too, but leaves it in your shell history\)/);
    // The Graph example of the callout names the provider's own Named Credential.
    expect(run.stdout).toMatch(/callout:AzureGraph\/<path>/);
    expect(run.stdout).not.toContain('callout:<name>');
    expect(run.stdout).toMatch(/Assign the permission set AzureGraph_Callout/);
    // Deployed by hand, the token credential still needs the secret: the next steps say how.
    expect(run.stdout).toMatch(/store the client secret of AzureGraph in its token credential .*rotate-secret --target-org <org> --name AzureGraph/);
    expect(run.stdout).not.toMatch(/placeholder in the Client Secret field/);
  });

  it('writes native mode as three credential files and says where the secret goes instead', () => {
    const dir = freshDir();
    const run = runCli('generate', [...validFlags, '--mode', 'native', '--output-dir', dir]);
    expect(run.status).toBe(0);
    expect(filesBelow(dir).map((f) => relative(dir, f)).sort()).toEqual([
      'main/default/externalCredentials/AzureGraph.externalCredential-meta.xml',
      'main/default/namedCredentials/AzureGraph.namedCredential-meta.xml',
      'main/default/permissionsets/AzureGraph_Callout.permissionset-meta.xml',
    ]);
    expect(run.stdout).toMatch(/Native External Credential AzureGraph/);
    expect(run.stdout).toMatch(/deploy stores the client ID and secret in the External Credential's principal through Connect REST/);
    expect(run.stdout).toMatch(/Principals > NamedPrincipal > Edit/);
    expect(run.stdout).not.toMatch(/Callback path|placeholder/);
  });

  it('warns that --client-secret is visible in shell history, and still writes no secret', () => {
    const dir = freshDir();
    const run = runCli('generate', [...validFlags, '--output-dir', dir, '--client-secret', HOSTILE_SECRET]);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/--client-secret leaves the secret in your shell history/);
    expect(`${run.stdout}${run.stderr}`).not.toContain('sEcReT');
    expect(filesContaining(dir, 'sEcReT')).toEqual([]);
  });

  const refusals: Array<[string, string[], RegExp]> = [
    ['a bad tenant', ['--name', 'AzureGraph', '--tenant-id', 'contoso', '--client-id', CLIENT_ID], /--tenant-id must be the directory \(tenant\) ID/],
    ['a bad client id', ['--name', 'AzureGraph', '--tenant-id', TENANT, '--client-id', 'my-app'], /--client-id must be a GUID/],
    ['a name with path traversal', ['--name', '../evil', '--tenant-id', TENANT, '--client-id', CLIENT_ID], /--name must be a Salesforce API name/],
    ['a missing client id', ['--name', 'AzureGraph', '--tenant-id', TENANT], /--client-id is required\./],
    ['an unknown model', [...validFlags, '--model', 'new'], /Expected --model=new to be one of: external, legacy/],
    ['scope with resource', [...validFlags, '--scope', 'https://graph.microsoft.com/.default', '--resource', 'https://graph.microsoft.com'], /--resource=https:\/\/graph.microsoft.com cannot also be provided when using --scope|cannot also be provided/],
    ['an http token URL', [...validFlags, '--token-url', 'http://login.example.com/token'], /--token-url must use https/],
    ['an old API version for External Credentials', [...validFlags, '--api-version', '58.0'], /External Credential model needs API version 59.0/],
    ['a secret with a line break', [...validFlags, '--client-secret', 'abc\n'], /contains a line break/],
    ['native mode on the legacy model', [...validFlags, '--mode', 'native', '--model', 'legacy'], /--mode native sets up an External Credential/],
    ['native mode below API 59', [...validFlags, '--mode', 'native', '--api-version', '58.0'], /needs API version 59.0 or later/],
    ['an unknown mode', [...validFlags, '--mode', 'auto'], /Expected --mode=auto to be one of: plugin, native/],
  ];

  it.each(refusals)('refuses %s with one clear message, no stack trace, nothing written', (_title, args, expected) => {
    const dir = freshDir();
    const run = runCli('generate', [...args, '--output-dir', dir]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(expected);
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses an output directory that is a file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aap-gen-')), 'not-a-dir');
    writeFileSync(file, 'keep me');
    const run = runCli('generate', [...validFlags, '--output-dir', file]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/--output-dir .* is a file/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('reports input errors as JSON with --json', () => {
    const run = runCli('generate', ['--name', 'Bad Name', '--tenant-id', TENANT, '--client-id', CLIENT_ID, '--json']);
    expect(run.status).toBe(2);
    const json = JSON.parse(run.stdout) as { status: number; name: string; message: string };
    expect(json).toMatchObject({ status: 2, name: 'InvalidInputError' });
    expect(json.message).toMatch(/--name must be a Salesforce API name/);
  });
});

describe('generate outside an SFDX project', () => {
  it('says exactly which sfdx-project.json to add for a deploy by hand, a file sf accepts; inside a project it says nothing of it', async () => {
    const dir = freshDir();
    const run = runCli('generate', [...validFlags, '--output-dir', dir, '--json']);
    expect(run.status).toBe(0);
    const { result } = JSON.parse(run.stdout) as { result: { sfdxProject: string; nextSteps: string[] } };
    expect(result.sfdxProject).toBe('missing');
    const step = result.nextSteps.find((text) => text.includes('sfdx-project.json'))!;
    const projectFile = join(dir, '..', 'sfdx-project.json');
    expect(step).toContain(`create ${projectFile} holding `);
    // Nothing outside --output-dir was written.
    expect(existsSync(projectFile)).toBe(false);
    // What it says to write is a project @salesforce/core (sf's own project reader) accepts, with the files' package.
    writeFileSync(projectFile, /holding (\{.*\}), and run/.exec(step)![1]);
    const { SfProject } = await import('@salesforce/core');
    const project = await SfProject.resolve(join(dir, '..'));
    expect(project.getPackageDirectories().map((pkg) => pkg.fullPath.replace(/\/$/, ''))).toEqual([dir]);
    const again = JSON.parse(runCli('generate', [...validFlags, '--output-dir', dir, '--json']).stdout) as { result: { sfdxProject: string; nextSteps: string[] } };
    expect(again.result.sfdxProject).toBe('found');
    expect(again.result.nextSteps.join('\n')).not.toContain('sfdx-project.json');
  });
});

describe('generate --auth certificate', () => {
  const thumbprint = certificateThumbprint();
  const record = (dir: string): Map<string, string | undefined> =>
    recordValues(parseXml(readFileSync(join(dir, 'main/default/customMetadata/Azure_Client_Credential.AzureGraph.md-meta.xml'), 'utf8')));

  it('writes a record with the certificate and its thumbprint, and no secret, ignoring AZURE_CLIENT_SECRET', () => {
    const dir = freshDir();
    const run = runCli('generate', [...certificateFlags, '--output-dir', dir, '--json'], { AZURE_CLIENT_SECRET: HOSTILE_SECRET });
    expect(run.status).toBe(0);
    const values = record(dir);
    expect(thumbprint).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect(values.get('Certificate_Thumbprint__c')).toBe(thumbprint);
    expect(values.get('Certificate_Name__c')).toBe('Entra_Signing');
    expect(values.get('Auth_Method__c')).toBe('certificate');
    expect(values.has('Client_Secret__c')).toBe(true);
    expect(values.get('Client_Secret__c')).toBeUndefined();
    const json = JSON.parse(run.stdout) as { result: { secret?: unknown; providers: Array<{ certificate?: string }>; nextSteps: string[] } };
    expect(json.result.secret).toBeUndefined();
    expect(json.result.providers[0].certificate).toBe('Entra_Signing');
    expect(json.result.nextSteps.join('\n')).toMatch(/certificate Entra_Signing: create it in Setup > Certificate and Key Management/);
    expect(json.result.nextSteps.join('\n')).not.toMatch(/placeholder|client secret from/i);
    expect(filesContaining(dir, 'sEcReT')).toEqual([]);
  });

  it('says which certificate signs, with no note about a secret placeholder', () => {
    const dir = freshDir();
    const run = runCli('generate', [...certificateFlags, '--output-dir', dir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Certificate:      Entra_Signing signs the client assertion (no client secret)');
    expect(run.stdout).not.toMatch(/Client secret:|placeholder/);
    expect(run.stdout).toMatch(/no client secret is needed/);
  });

  it('warns when --certificate-file also holds the private key, and reads only the certificate', () => {
    const dir = freshDir();
    const both = join(dir, '..', `cert-and-key-${Date.now()}.pem`);
    writeFileSync(both, ['test/entra/fixtures/app-cert.pem', 'test/entra/fixtures/app-key.pem'].map((file) => readFileSync(join(PLUGIN_ROOT, file), 'utf8')).join('\n'));
    const flags = [...validFlags, '--auth', 'certificate', '--certificate', 'Entra_Signing', '--certificate-file', both];
    const run = runCli('generate', [...flags, '--output-dir', dir, '--json']);
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout) as { warnings: string[] };
    expect(json.warnings).toEqual([`--certificate-file ${both} also holds a private key. Only the certificate is read. The key belongs in the org's certificate store alone: delete this copy, or keep the certificate in a file of its own.`]);
    expect(record(dir).get('Certificate_Thumbprint__c')).toBe(thumbprint);
    expect(filesContaining(dir, 'PRIVATE KEY')).toEqual([]);
    // The certificate alone: no warning.
    expect((JSON.parse(runCli('generate', [...certificateFlags, '--output-dir', freshDir(), '--json']).stdout) as { warnings: string[] }).warnings).toEqual([]);
  });

  const refusals: Array<[string, string[], RegExp]> = [
    ['a certificate without --certificate-file', [...validFlags, '--auth', 'certificate', '--certificate', 'Entra_Signing'], /--certificate-file is required\./],
    ['an unreadable --certificate-file', [...validFlags, '--auth', 'certificate', '--certificate', 'Entra_Signing', '--certificate-file', 'test/entra/fixtures/missing.pem'], /--certificate-file test\/entra\/fixtures\/missing\.pem cannot be read \(ENOENT\)/],
    ['a --certificate-file that is not a certificate', [...validFlags, '--auth', 'certificate', '--certificate', 'Entra_Signing', '--certificate-file', 'test/entra/fixtures/app-key.pem'], /--certificate-file test\/entra\/fixtures\/app-key\.pem is not a PEM certificate/],
    ['--client-secret with --auth certificate', [...certificateFlags, '--client-secret', HOSTILE_SECRET], /--client-secret cannot be combined with --auth certificate/],
  ];

  it.each(refusals)('refuses %s (exit 2), naming the flag, writing nothing', (_title, args, expected) => {
    const dir = freshDir();
    const run = runCli('generate', [...args, '--output-dir', dir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(expected);
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(`${run.stdout}${run.stderr}`).not.toContain('sEcReT');
    expect(existsSync(dir)).toBe(false);
  });
});
