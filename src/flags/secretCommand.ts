/*
 * What every command that needs the client secret does the same way: warn when it comes as a flag, take it from
 * the environment, and ask with a hidden prompt only when someone can answer (an interactive terminal, no --json).
 */
import { Messages, SfError } from '@salesforce/core';
import { SfCommand } from '@salesforce/sf-plugins-core';
import { checkClientSecret } from '../spec/providerSpec.js';
import { clientSecretFrom, type ClientSecret } from '../spec/clientSecret.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'provider-flags');

export abstract class SecretCommand<T> extends SfCommand<T> {
  /**
   * The secret from --client-secret or the environment. Without one, `required` (the command's message) is thrown
   * unless a prompt can ask later; then undefined is returned and `promptForSecret` does it.
   */
  protected knownSecret(flagValue: string | undefined, required: string): ClientSecret | undefined {
    if (flagValue !== undefined) this.warn(messages.getMessage('warning.SecretOnCommandLine'));
    const known = clientSecretFrom(flagValue);
    if (!known && !this.canPrompt()) throw new SfError(required, 'SecretRequired', [], 2);
    return known;
  }

  /** The hidden prompt; call it only once the input is known to be valid. */
  protected async promptForSecret(): Promise<ClientSecret> {
    this.spinner.stop();
    const value = await this.secretPrompt({ message: messages.getMessage('prompt.Secret') });
    return { value: checkClientSecret(value, 'the prompt'), source: 'prompt' };
  }

  private canPrompt(): boolean {
    return !this.jsonEnabled() && process.stdin.isTTY === true;
  }
}
