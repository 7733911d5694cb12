/**
 * generate through the real CLI (child processes) for values the platform constrains (issue 19, items 2, 9, 10):
 * a provider of another token server gets no Microsoft default, refresh codes follow the Metadata API, and a
 * provider without an execution user is reported as one an org refuses.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesBelow, filesContaining, runCli } from '../helpers/runCli.js';
import { TENANT, validFlags } from '../helpers/values.js';
import { parseXml, recordValues } from '../helpers/xml.js';

const freshDir = (): string => join(mkdtempSync(join(tmpdir(), 'aap-values-')), 'force-app');
const oktaFlags = ['--name', 'OktaApi', '--token-url', 'https://contoso.okta.com/oauth2/default/v1/token', '--client-id', '0oa1b2c3d4E5f6G7h8i9', '--execution-user', 'admin@contoso.com'];
const read = (dir: string, end: string): string => readFileSync(filesBelow(dir).find((f) => f.endsWith(end))!, 'utf8');

describe('generate: values as the platform takes them', () => {
  it('writes an Okta provider with its own client id, the given endpoint, and no Graph scope anywhere', () => {
    const dir = freshDir();
    const run = runCli('generate', [...oktaFlags, '--endpoint', 'https://api.contoso.com', '--output-dir', dir, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const values = recordValues(parseXml(read(dir, 'OktaApi.md-meta.xml')));
    expect(values.get('Client_ID__c')).toBe('0oa1b2c3d4E5f6G7h8i9');
    expect(values.get('Token_URL__c')).toBe('https://contoso.okta.com/oauth2/default/v1/token');
    expect(values.get('Scope__c')).toBeUndefined();
    expect(values.get('Tenant_ID__c')).toBeUndefined();
    expect(read(dir, 'OktaApi.externalCredential-meta.xml')).not.toContain('<parameterName>Scope</parameterName>');
    expect(read(dir, 'OktaApi.namedCredential-meta.xml')).toContain('https://api.contoso.com');
    // The shared class and type describe Entra in comments and help text; no file of this provider names Graph.
    const shared = (file: string): boolean => file.includes('/classes/') || file.includes('/objects/');
    expect(filesContaining(dir, 'graph.microsoft').filter((file) => !shared(file))).toEqual([]);
  });

  it('refuses an Okta provider without --endpoint, or with --tenant-id, in one message, exit 2, no stack', () => {
    const run = runCli('generate', [...oktaFlags, '--tenant-id', TENANT, '--output-dir', freshDir()]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--tenant-id applies to Microsoft Entra only');
    expect(run.stderr).toContain('--endpoint is required with a --token-url of a token server other than Microsoft Entra (contoso.okta.com)');
    expect(run.stderr).toContain('--scope is optional there');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('writes one AdditionalRefreshStatusCode parameter per code, 4xx and 6xx-9xx, and refuses 5xx saying what is accepted', () => {
    const dir = freshDir();
    const ok = runCli('generate', [...validFlags, '--execution-user', 'admin@contoso.com', '--refresh-status-code', '403,429', '--refresh-status-code', '600', '--output-dir', dir]);
    expect(ok.status).toBe(0);
    const ec = parseXml(read(dir, 'AzureGraph.externalCredential-meta.xml'));
    const codes = Array.from(ec.getElementsByTagName('externalCredentialParameters'))
      .filter((p) => p.getElementsByTagName('parameterType')[0].textContent === 'AdditionalRefreshStatusCode')
      .map((p) => [p.getElementsByTagName('parameterName')[0].textContent, p.getElementsByTagName('parameterValue')[0].textContent]);
    expect(codes).toEqual([
      ['AdditionalRefreshStatusCode403', '403'],
      ['AdditionalRefreshStatusCode429', '429'],
      ['AdditionalRefreshStatusCode600', '600'],
    ]);

    const refused = runCli('generate', [...validFlags, '--refresh-status-code', '500', '--output-dir', freshDir()]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--refresh-status-code must be an HTTP status code an External Credential can refresh on');
    expect(refused.stderr).toContain('5xx codes are not accepted. Got "500"');
  });

  it('says plainly that an org refuses the Auth. Provider it writes without an execution user', () => {
    const dir = freshDir();
    const run = runCli('generate', [...validFlags, '--output-dir', dir, '--json']);
    expect(run.status).toBe(0);
    const { result } = JSON.parse(run.stdout) as { result: { nextSteps: string[] } };
    expect(result.nextSteps).toContainEqual(expect.stringContaining('Auth. Provider AzureGraph has no execution user, and an org refuses a Custom Auth. Provider without one ("You must enter a value")'));
    expect(read(dir, 'AzureGraph.authprovider-meta.xml')).not.toContain('executionUser');
  });
});
