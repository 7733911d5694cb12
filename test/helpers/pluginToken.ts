/**
 * The emulator runs no Apex, so verify's in-org token check (anonymous Apex calling the plugin class's refresh) fails
 * there as "not modeled by the emulator". A test that needs that check to pass says so with this, openly: the org's
 * answer to that one block is played, not run. Other blocks follow the emulator's model (or `otherwise`, first).
 */
import type { ApexOutcome, Org } from '../emulator/org.js';

/** How verify's token check calls the plugin (templates/verify/token-check.apex.hbs). */
export const PLUGIN_REFRESH = 'new AzureClientCredentialsProvider().refresh(';

export function playPluginToken(org: Org, otherwise: (body: string) => ApexOutcome | undefined = () => undefined): void {
  org.setApexOutcome((body) => otherwise(body) ?? (body.includes(PLUGIN_REFRESH) ? { success: true } : undefined));
}
