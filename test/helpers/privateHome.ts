/**
 * Jest global setup: the whole run gets its own HOME before any worker starts, so the sf state and logs that
 * in-process commands write (org logins, aliases, log files) never touch the developer's own and can be searched
 * for leaked secrets. (A test file's process.env is a copy; os.homedir() reads the real one, hence global setup.)
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function privateHome(): void {
  const home = mkdtempSync(join(tmpdir(), 'aap-test-home-'));
  process.env.HOME = home;
  // @salesforce/core creates a missing alias file only for errors that are instanceof its realm's Error, which
  // fs errors inside a jest sandbox are not; an empty alias file avoids that path.
  mkdirSync(join(home, '.sfdx'), { recursive: true });
  writeFileSync(join(home, '.sfdx', 'alias.json'), JSON.stringify({ orgs: {} }, null, 2));
  process.env.SF_DISABLE_TELEMETRY = 'true';
}
