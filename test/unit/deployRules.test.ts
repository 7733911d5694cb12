/* The rules deploy applies on its own: defaults taken from the org, and hints for known failure texts. */
import { withOrgDefaults } from '../../src/deploy/orgDefaults.js';
import { hintFor } from '../../src/salesforce/deployReport.js';
import type { OrgProfile } from '../../src/salesforce/orgProfile.js';

const org = (maxApiVersion: string): OrgProfile => ({ orgId: '00D', instanceUrl: 'https://x.my.salesforce.com', username: 'me@contoso.com', maxApiVersion, orgType: 'production' });
const input = (provider: Record<string, string> = {}, apiVersion?: string) => ({ apiVersion, providers: [{ name: 'AzureGraph', ...provider }] });

describe('withOrgDefaults', () => {
  it('takes the org newest version, the External Credential model from 59.0, and the org user as execution user', () => {
    expect(withOrgDefaults(input(), org('64.0'))).toEqual({ apiVersion: '64.0', providers: [{ name: 'AzureGraph', model: 'external', executionUser: 'me@contoso.com' }] });
    expect(withOrgDefaults(input(), org('58.0')).providers[0].model).toBe('legacy');
    expect(withOrgDefaults(input({}, '58.0'), org('64.0')).providers[0].model).toBe('legacy');
    expect(withOrgDefaults(input(), org('75.0')).apiVersion).toBe('70.0');
  });

  it('keeps what the user chose', () => {
    const chosen = withOrgDefaults(input({ model: 'legacy', executionUser: 'run@contoso.com' }, '60.0'), org('64.0'));
    expect(chosen).toEqual({ apiVersion: '60.0', providers: [{ name: 'AzureGraph', model: 'legacy', executionUser: 'run@contoso.com' }] });
  });

  it('refuses what the org cannot take, naming the flag', () => {
    expect(() => withOrgDefaults(input({}, '65.0'), org('64.0'))).toThrow('--api-version 65.0 is newer than the org supports (up to 64.0)');
    expect(() => withOrgDefaults(input({ model: 'external' }), org('58.0'))).toThrow(expect.objectContaining({ actions: ['Use --model legacy for this org.'] }));
    expect(() => withOrgDefaults(input(), org('55.0'))).toThrow(expect.objectContaining({ name: 'OrgTooOldError', exitCode: 3 }));
  });
});

describe('hintFor', () => {
  it.each([
    ['In field: executionUser - no User named ghost@contoso.com found', '--execution-user'],
    ['You must deploy My Domain before you can use this feature', 'My Domain'],
    ['Not available for deploy for this API version', '--api-version'],
    ['System.CalloutException: Unauthorized endpoint', 'remote site'],
    ['Insufficient access rights on cross-reference id', 'permissions'],
  ])('%s', (problem, named) => {
    expect(hintFor(problem)).toContain(named);
  });

  it('gives no hint for a cause it does not know', () => {
    expect(hintFor('Something else entirely')).toBeUndefined();
  });
});
