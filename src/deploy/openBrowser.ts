/*
 * Opens a URL in the user's browser. $BROWSER wins when set (the convention of many CLIs, and how the tests watch
 * what would be opened); otherwise the platform's own opener.
 */
import { spawn } from 'node:child_process';

function opener(url: string): [string, string[]] {
  const browser = process.env.BROWSER;
  if (browser) return [browser, [url]];
  if (process.platform === 'darwin') return ['open', [url]];
  // rundll32 takes the URL as one argument, where cmd's start would split it at every &.
  if (process.platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  return ['xdg-open', [url]];
}

/** Openers hand the URL over and exit; one still running after this long is taken to be the browser itself. */
const HANDOVER_MS = 3000;

/** Resolves once the opener has handed the URL over; rejects when it cannot start or fails. */
export function openBrowser(url: string): Promise<void> {
  const [command, args] = opener(url);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: process.platform !== 'win32' });
    // Both stay referenced until one fires, or the process could end while waiting and skip its own output.
    const timer = setTimeout(() => {
      child.unref();
      resolve();
    }, HANDOVER_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} exited with status ${String(code)}`));
    });
  });
}
