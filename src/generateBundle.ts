/*
 * The generate pipeline: flags' input -> validated spec -> rendered bundle (secret replaced by the placeholder) ->
 * files on disk -> a result the command presents and --json returns.
 */
import { Messages } from '@salesforce/core';
import { parseBundleSpec, type FieldNaming, type BundleInput, type ProviderSpec } from './spec/providerSpec.js';
import { clientSecretFrom, SECRET_ENV } from './spec/clientSecret.js';
import { SECRET_PLACEHOLDER } from './spec/platform.js';
import { renderBundle } from './render/renderBundle.js';
import { writeBundle, type WrittenFile } from './output/writeBundle.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'generate');

export type ProviderSummary = {
  name: string;
  mode: ProviderSpec['mode'];
  model: ProviderSpec['model'];
  tokenUrl: string;
  endpoint: string;
  namedCredential: string;
  externalCredential?: string;
  permissionSet?: string;
  /** Plugin mode only: where Salesforce's callback for the Auth. Provider lives. */
  callbackPath?: string;
};

export type GenerateResult = {
  outputDir: string;
  apiVersion: string;
  files: WrittenFile[];
  providers: ProviderSummary[];
  secret: { found: boolean; source?: string; placeholder: string };
  nextSteps: string[];
};

export function summarize(provider: ProviderSpec): ProviderSummary {
  return {
    name: provider.name,
    mode: provider.mode,
    model: provider.model,
    tokenUrl: provider.tokenUrl,
    endpoint: provider.endpoint,
    namedCredential: provider.namedCredential,
    externalCredential: provider.externalCredential,
    permissionSet: provider.permissionSet,
    callbackPath: provider.mode === 'plugin' ? `/services/authcallback/${provider.name}` : undefined,
  };
}

function nextSteps(providers: ProviderSpec[], outputDir: string): string[] {
  const steps = [messages.getMessage('next.Deploy', [SECRET_ENV])];
  if (providers.some((provider) => provider.mode === 'plugin')) steps.push(messages.getMessage('next.DeployByHand', [outputDir]));
  for (const provider of providers) {
    if (provider.mode === 'native') {
      steps.push(
        messages.getMessage('next.DeployNativeByHand', [outputDir, provider.principal ?? '', provider.externalCredential ?? '', provider.principal ?? '']),
        messages.getMessage('next.AssignPermissionSet', [provider.permissionSet ?? '']),
        messages.getMessage('next.Callout', [provider.namedCredential])
      );
      continue;
    }
    if (!provider.executionUser) steps.push(messages.getMessage('next.ExecutionUser', [provider.name]));
    if (provider.model === 'external') {
      steps.push(messages.getMessage('next.AssignPermissionSet', [provider.permissionSet ?? '']));
      steps.push(messages.getMessage('next.AuthenticateExternal', [provider.externalCredential ?? '', provider.principal ?? '']));
    } else {
      steps.push(messages.getMessage('next.AuthenticateLegacy', [provider.namedCredential]));
    }
    steps.push(messages.getMessage('next.Callout', [provider.namedCredential]));
  }
  return steps;
}

/** Validates everything, renders in memory, then writes: invalid input leaves the output directory untouched. */
export async function generateBundle(input: BundleInput, outputDir: string, secretFlag?: string, naming?: FieldNaming): Promise<GenerateResult> {
  const spec = parseBundleSpec(input, naming);
  // The secret is only checked, so a bad one is reported now rather than at deploy time; it is never rendered.
  const secret = clientSecretFrom(secretFlag);
  const files = await writeBundle(renderBundle(spec), outputDir);
  return {
    outputDir,
    apiVersion: spec.apiVersion,
    files,
    providers: spec.providers.map(summarize),
    secret: { found: secret !== undefined, source: secret?.source, placeholder: SECRET_PLACEHOLDER },
    nextSteps: nextSteps(spec.providers, outputDir),
  };
}
