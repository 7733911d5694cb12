/**
 * Stores an emulator org in the sf state folders (under HOME) the way `sf org login` does, with a refresh token so
 * that @salesforce/core can renew an expired session, and an alias.
 */
import { pathToFileURL } from 'node:url';
import { AuthInfo, StateAggregator } from '@salesforce/core';
import type { Emulator } from './index.js';

export async function saveLogin(emu: Pick<Emulator, 'instanceUrl' | 'refreshToken'>, alias?: string): Promise<string> {
  const authInfo = await AuthInfo.create({
    oauth2Options: { refreshToken: emu.refreshToken, loginUrl: emu.instanceUrl, clientId: 'PlatformCLI' },
  });
  await authInfo.save();
  const username = authInfo.getUsername()!;
  if (alias) {
    const state = await StateAggregator.getInstance();
    await state.aliases.setAndSave(alias, username);
  }
  return username;
}

// As a script (tsx test/emulator/login.ts <instanceUrl> <refreshToken> [alias]): the same, in its own process,
// for callers whose @salesforce/core runs inside a jest sandbox, where its file locking misbehaves.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [instanceUrl, refreshToken, alias] = process.argv.slice(2);
  process.stdout.write(`${await saveLogin({ instanceUrl, refreshToken }, alias)}\n`);
}
