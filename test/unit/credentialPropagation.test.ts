/*
 * The wait for a new credential, against the fake Entra token endpoint over HTTP: a secret, certificate or app added
 * with a replication delay is refused (AADSTS7000215 / 700027 / 700016) until it arrives, and the policy must try
 * again with a doubling delay, announce the wait once, stop at its budget, leave every other answer alone and end at
 * an abort. The backoff base is tens of milliseconds here; the commands use 2 s.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeEntra, type FakeApp, type FakeEntra } from '../entra/fakeEntra.js';
import { CLIENT_ID, TENANT } from '../helpers/values.js';
import { requestToken, type AppCredential, type TokenAnswer } from '../../src/entra/tokenRequest.js';
import { parseTokenRequestSpec, type TokenRequestSpec } from '../../src/input/tokenRequestSpec.js';
import { BASE_DELAY_MS, MAX_DELAY_MS, waitForUsableCredential, type WaitNotice } from '../../src/entra/credentialPropagation.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'entra', 'fixtures');
const CERT = readFileSync(join(fixtures, 'app-cert.pem'), 'utf8');
const KEY = readFileSync(join(fixtures, 'app-key.pem'), 'utf8');
const NEW_APP = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const CERT_APP = 'bbbbbbbb-cccc-4ddd-8eee-ffffffffffff';

let entra: FakeEntra;
let app: FakeApp;
beforeAll(async () => {
  app = { tenantId: TENANT, clientId: CLIENT_ID, secret: 'first', secrets: [], roles: ['User.Read.All'] };
  entra = await startFakeEntra({ apps: [app, { tenantId: TENANT, clientId: CERT_APP, certificates: [] }, { tenantId: TENANT, clientId: '11111111-2222-4333-8444-555555555555', secret: 'old', secretExpired: true }] });
});
afterAll(() => entra.stop());

const spec = (clientId = CLIENT_ID): TokenRequestSpec => parseTokenRequestSpec({ clientId, tenantId: TENANT, tokenUrl: entra.tokenUrl(TENANT) });
const secret = (value: string): AppCredential => ({ kind: 'secret', secret: value });

/** Each request's time, for the delays between them. */
function attempts(request: TokenRequestSpec, credential: AppCredential): { attempt: () => Promise<TokenAnswer>; times: number[] } {
  const times: number[] = [];
  return {
    times,
    attempt: () => {
      times.push(Date.now());
      return requestToken(request, credential);
    },
  };
}
const codeOf = (answer: TokenAnswer): number | undefined => (answer.kind === 'refused' ? answer.code : undefined);

describe('waitForUsableCredential against the fake Entra', () => {
  it('keeps asking while a just-added secret replicates, announces it once, and returns the token', async () => {
    app.secrets!.push({ value: 'new-secret', usableAfter: Date.now() + 250 });
    const notices: WaitNotice[] = [];
    const { attempt, times } = attempts(spec(), secret('new-secret'));
    const answer = await waitForUsableCredential(attempt, { budgetMs: 5000, baseDelayMs: 20, onWait: (notice) => notices.push(notice) });
    expect(answer.kind).toBe('token');
    // At least one refusal, then the token: on a loaded machine the first request alone may outlast the 250 ms.
    expect(times.length).toBeGreaterThanOrEqual(2);
    expect(notices).toHaveLength(1);
    expect(notices[0].code).toBe(7000215);
    expect(notices[0].maxWaitMs).toBeLessThanOrEqual(5000);
    expect(notices[0].message).toMatch(/^Waiting for Entra to accept the new secret \(AADSTS7000215: .*\); trying again for up to 5 s$/);
  });

  it('doubles the delay between attempts from its base up to its maximum', async () => {
    const { attempt, times } = attempts(spec(), secret('never-added'));
    await waitForUsableCredential(attempt, { budgetMs: 900, baseDelayMs: 40, maxDelayMs: 160 });
    const gaps = times.slice(1).map((time, index) => time - times[index]);
    // 40, 80, 160, 160, ...: each at least its planned delay, never far beyond it (a request takes a few ms).
    const planned = gaps.map((_gap, index) => Math.min(40 * 2 ** index, 160));
    for (const [index, gap] of gaps.slice(0, -1).entries()) {
      expect(gap).toBeGreaterThanOrEqual(planned[index] - 2);
      expect(gap).toBeLessThan(planned[index] + 120);
    }
    expect(gaps.length).toBeGreaterThanOrEqual(4);
  });

  it('gives up at its budget with the last refusal: a wrong secret looks like an unreplicated one', async () => {
    const notices: WaitNotice[] = [];
    const { attempt, times } = attempts(spec(), secret('wrong'));
    const started = Date.now();
    const answer = await waitForUsableCredential(attempt, { budgetMs: 300, baseDelayMs: 20, onWait: (notice) => notices.push(notice) });
    const elapsed = Date.now() - started;
    expect(codeOf(answer)).toBe(7000215);
    expect(elapsed).toBeGreaterThanOrEqual(300);
    // No delay is planned past the budget: only the last request's own time can go beyond it.
    expect(elapsed).toBeLessThan(300 + 250);
    expect(times[times.length - 1] - started).toBeLessThanOrEqual(300 + 50);
    expect(notices).toHaveLength(1);
  });

  it('asks once with no budget, and once for any other refusal (an expired secret, an unknown tenant)', async () => {
    const none = attempts(spec(), secret('wrong'));
    const notices: WaitNotice[] = [];
    expect(codeOf(await waitForUsableCredential(none.attempt, { budgetMs: 0, baseDelayMs: 20, onWait: (notice) => notices.push(notice) }))).toBe(7000215);
    expect(none.times).toHaveLength(1);

    const expired = attempts(spec('11111111-2222-4333-8444-555555555555'), secret('old'));
    expect(codeOf(await waitForUsableCredential(expired.attempt, { budgetMs: 5000, baseDelayMs: 20, onWait: (notice) => notices.push(notice) }))).toBe(7000222);
    expect(expired.times).toHaveLength(1);

    const tenant = attempts(parseTokenRequestSpec({ clientId: CLIENT_ID, tokenUrl: entra.tokenUrl('99999999-2222-4333-8444-555555555555') }), secret('first'));
    expect(codeOf(await waitForUsableCredential(tenant.attempt, { budgetMs: 5000, baseDelayMs: 20 }))).toBe(90002);
    expect(tenant.times).toHaveLength(1);
    expect(notices).toEqual([]);
  });

  it('waits for an app registration Entra does not know yet (AADSTS700016)', async () => {
    const notices: WaitNotice[] = [];
    const { attempt, times } = attempts(spec(NEW_APP), secret('app-secret'));
    setTimeout(() => entra.apps.push({ tenantId: TENANT, clientId: NEW_APP, secret: 'app-secret' }), 200);
    const answer = await waitForUsableCredential(attempt, { budgetMs: 5000, baseDelayMs: 20, onWait: (notice) => notices.push(notice) });
    expect(answer.kind).toBe('token');
    expect(times.length).toBeGreaterThan(1);
    expect(notices.map((notice) => notice.code)).toEqual([700016]);
    expect(notices[0].message).toMatch(/^Waiting for Entra to know the new app registration \(AADSTS700016/);
  });

  it('waits for a just-uploaded certificate (AADSTS700027)', async () => {
    entra.apps.find((candidate) => candidate.clientId === CERT_APP)!.certificates!.push({ pem: CERT, usableAfter: Date.now() + 200 });
    const notices: WaitNotice[] = [];
    const { attempt } = attempts(spec(CERT_APP), { kind: 'certificate', certificatePem: CERT, privateKeyPem: KEY });
    const answer = await waitForUsableCredential(attempt, { budgetMs: 5000, baseDelayMs: 20, onWait: (notice) => notices.push(notice) });
    expect(answer.kind).toBe('token');
    expect(notices.map((notice) => notice.code)).toEqual([700027]);
    expect(notices[0].message).toMatch(/new certificate/);
  });

  it('ends a wait at once when aborted, returning the last answer', async () => {
    const controller = new AbortController();
    const { attempt, times } = attempts(spec(), secret('wrong'));
    const started = Date.now();
    const answer = waitForUsableCredential(attempt, { budgetMs: 60_000, baseDelayMs: 10_000, signal: controller.signal, onWait: () => setTimeout(() => controller.abort(), 50) });
    expect(codeOf(await answer)).toBe(7000215);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(times).toHaveLength(1);
  });

  it("keeps Entra's pace by default: 2 s doubling to 30 s, minutes in the notice beyond two", async () => {
    expect([BASE_DELAY_MS, MAX_DELAY_MS]).toEqual([2000, 30_000]);
    const notices: WaitNotice[] = [];
    const controller = new AbortController();
    const { attempt } = attempts(spec(), secret('wrong'));
    await waitForUsableCredential(attempt, {
      budgetMs: 180_000,
      signal: controller.signal,
      onWait: (notice) => {
        notices.push(notice);
        controller.abort();
      },
    });
    expect(notices[0].message).toMatch(/trying again for up to 3 min$/);
  });
});
