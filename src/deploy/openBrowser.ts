/*
 * Opens a one-time login URL in the user's browser without putting it on a command line, where `ps` shows it to
 * every local user: the URL goes into a redirect page in a directory only this user can read (mkdtemp makes it
 * 0700; the page is 0600, created exclusively), the browser is given the page's path, and the directory is removed
 * once the browser has had time to read it. $BROWSER wins when set (the convention of many CLIs, and how the tests
 * watch what is opened); otherwise the platform's own opener.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Messages } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'deploy');

function opener(target: string): [string, string[]] {
  const browser = process.env.BROWSER;
  if (browser) return [browser, [target]];
  if (process.platform === 'darwin') return ['open', [target]];
  // rundll32 takes the target as one argument, where cmd's start would split it at every &.
  if (process.platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', target]];
  return ['xdg-open', [target]];
}

/** Openers hand the page over and exit; one still running after this long is taken to be the browser itself. */
const HANDOVER_MS = 3000;
/** How long the page stays after the handover for the browser to read it (a browser that has to start first). */
const READ_MS = 5000;

const attribute = (text: string): string => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A page that replaces itself with the URL at once (script), or after a meta refresh, or a click. */
export function redirectPage(url: string): string {
  const script = JSON.stringify(url).replace(/</g, '\\u003c');
  return [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">',
    `<meta http-equiv="refresh" content="0;url=${attribute(url)}">`,
    `<script>location.replace(${script});</script>`,
    `</head><body><a href="${attribute(url)}">${attribute(messages.getMessage('browser.Continue'))}</a></body></html>`,
    '',
  ].join('\n');
}

/** Resolves once the opener has handed the page over; rejects when it cannot start or fails. */
function handOver(page: string): Promise<void> {
  const [command, args] = opener(page);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: process.platform !== 'win32' });
    // Both stay referenced until one fires, or the process could end while waiting and skip its own output.
    const timer = setTimeout(() => {
      child.unref();
      resolve();
    }, HANDOVER_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${command}: ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} exited with status ${String(code)}`));
    });
  });
}

/**
 * Opens `url` through a private redirect page; resolves once the page is gone again. Resolves to why no browser
 * could be started (SSH, a container, no opener), for the caller to fall back on printing a URL; undefined once opened.
 */
export async function openBrowser(url: string): Promise<string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'azure-authprovider-open-'));
  const removePage = (): void => rmSync(dir, { recursive: true, force: true });
  // Also when the process ends early (an error, Ctrl-C handled by the CLI): the page must not outlive it.
  process.once('exit', removePage);
  try {
    const page = join(dir, 'open.html');
    writeFileSync(page, redirectPage(url), { mode: 0o600, flag: 'wx' });
    try {
      await handOver(page);
    } catch (error) {
      return messages.getMessage('auth.BrowserNotOpened', [(error as Error).message]);
    }
    await new Promise((resolve) => setTimeout(resolve, READ_MS));
    return undefined;
  } finally {
    removePage();
    process.removeListener('exit', removePage);
  }
}
