/**
 * The values an org checks in Auth. Providers and External Credentials (providerRules.ts), through real deploys and
 * CRUD upserts over HTTP: a Custom provider's execution user, and the AdditionalRefreshStatusCode codes.
 */
import type { Connection } from '@jsforce/jsforce-node';
import type { Emulator } from './index.js';
import { asArray, deployAndWait, start } from './helpers.js';
import { edit, loadFixture, zipBundle } from './fixtures.js';

const ALL = loadFixture('valid');
const PROVIDER = 'authproviders/EmuAzure.authprovider';
const CREDENTIAL = 'externalCredentials/EmuAzureCred.externalCredential';

type Msg = { componentType?: string; fullName: string; problem?: string };
const failures = (r: { details?: unknown }): Msg[] => asArray((r.details as { componentFailures?: Msg | Msg[] })?.componentFailures);

/** The fixture's External Credential with one AdditionalRefreshStatusCode parameter holding `value`. */
const withRefreshCode = (value: string) =>
  edit(ALL, CREDENTIAL, (s) =>
    s.replace(
      '    <label>',
      `    <externalCredentialParameters>\n        <parameterGroup>DefaultGroup</parameterGroup>\n        <parameterName>AdditionalRefreshStatusCode</parameterName>\n        <parameterType>AdditionalRefreshStatusCode</parameterType>\n        <parameterValue>${value}</parameterValue>\n    </externalCredentialParameters>\n    <label>`
    )
  );

describe('emulator: Auth. Provider and External Credential values', () => {
  let emu: Emulator;
  let conn: Connection;
  beforeEach(async () => {
    ({ emu, conn } = await start());
  });
  afterEach(async () => emu.stop());

  it('refuses a Custom Auth. Provider without an execution user, as an org does ("You must enter a value")', async () => {
    const without = edit(ALL, PROVIDER, (s) => s.replace(/\s*<executionUser>[^<]*<\/executionUser>/, ''));
    expect(without.get(PROVIDER)).not.toContain('executionUser');
    const r = await deployAndWait(conn, await zipBundle(without));
    expect(r.success).toBe(false);
    expect(failures(r)).toContainEqual(expect.objectContaining({ componentType: 'AuthProvider', fullName: 'EmuAzure', problem: 'You must enter a value' }));
    // the same file with its execution user deploys
    expect((await deployAndWait(conn, await zipBundle(ALL))).success).toBe(true);
  });

  it('refuses the provider through a CRUD upsert too', async () => {
    const [result] = asArray(
      await conn.metadata.upsert('AuthProvider', { fullName: 'NoUser', friendlyName: 'No User', providerType: 'Custom', plugin: 'EmuAuthPlugin' } as never)
    ) as Array<{ success: boolean | string; errors?: { message: string } | Array<{ message: string }> }>;
    expect(String(result.success)).toBe('false');
    expect(asArray(result.errors).map((e) => e.message)).toContain('You must enter a value');
  });

  it.each(['403', '429', '401', '600', '799', '999', '400,403', '403, 404'])('deploys AdditionalRefreshStatusCode %s (4xx, 6xx-9xx)', async (value) => {
    const r = await deployAndWait(conn, await zipBundle(withRefreshCode(value)));
    expect(failures(r)).toEqual([]);
    expect(r.success).toBe(true);
  });

  it.each([
    ['500', "'500'"],
    ['503', "'503'"],
    ['302', "'302'"],
    ['403,502', "'502'"],
    ['4O3', "'4O3'"],
    ['', "''"],
  ])('refuses AdditionalRefreshStatusCode %s, naming the code', async (value, named) => {
    const r = await deployAndWait(conn, await zipBundle(withRefreshCode(value)));
    expect(r.success).toBe(false);
    const problem = failures(r).find((m) => m.componentType === 'ExternalCredential')?.problem;
    expect(problem).toBe(`In field: parameterValue - ${named} is not a valid AdditionalRefreshStatusCode: use 4xx, 6xx, 7xx, 8xx or 9xx HTTP status codes`);
  });
});
