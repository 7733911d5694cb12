/** Stores an emulator login under HOME in a child process (see test/emulator/login.ts for why not in process). */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Emulator } from '../emulator/index.js';
import { PLUGIN_ROOT } from './runCli.js';

/** Under `home` when given (where another sf is to find it), else this process's HOME. */
export async function loginAs(emu: Emulator, alias: string, home = process.env.HOME): Promise<void> {
  await promisify(execFile)(process.execPath, ['--import', 'tsx', join(PLUGIN_ROOT, 'test/emulator/login.ts'), emu.instanceUrl, emu.refreshToken, alias], {
    cwd: PLUGIN_ROOT,
    env: { ...process.env, NODE_OPTIONS: '', HOME: home },
  });
}
