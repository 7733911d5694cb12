/*
 * --wait of verify and rotate-secret: whole minutes to keep trying a credential Entra has not replicated yet. sf's
 * duration flag checks no bound when its minimum is 0 (it tests `min &&`), so -1 would pass as a negative wait; this
 * one refuses it, and anything above an hour, while parsing, so the command exits 2 naming the flag.
 */
import { Messages } from '@salesforce/core';
import { Duration } from '@salesforce/kit';
import { Flags } from '@salesforce/sf-plugins-core';
import type { OptionFlag } from '@oclif/core/interfaces';
import { EXIT_CODES } from '../../errors/exitCodes.js';
import { shown } from '../../input/checker.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'propagation');

/** An hour: replication takes minutes; a longer wait would only hide a secret that is wrong. */
export const MAX_WAIT_MINUTES = 60;

export const credentialWaitFlag = (summary: string, description: string, defaultMinutes: number): OptionFlag<Duration> =>
  Flags.custom<Duration>({
    char: 'w',
    summary,
    description,
    // eslint-disable-next-line @typescript-eslint/require-await
    parse: async (input) => {
      if (!/^\d+$/.test(input.trim()) || Number(input) > MAX_WAIT_MINUTES) {
        throw messages.createError('error.Wait', [MAX_WAIT_MINUTES, shown(input)], [], EXIT_CODES['invalid-input']);
      }
      return Duration.minutes(Number(input));
    },
    default: Duration.minutes(defaultMinutes),
  })();
