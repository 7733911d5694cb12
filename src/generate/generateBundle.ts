/*
 * The generate pipeline: flags' input -> validated spec -> rendered bundle (secret replaced by the placeholder) ->
 * files on disk -> a result the command presents and --json returns.
 */
import { Messages } from '@salesforce/core';
import { parseBundleSpec, type FieldNaming, type BundleInput, type ProviderSpec } from '../input/providerSpec.js';
import { clientSecretFrom, SECRET_ENV } from '../input/clientSecret.js';
import { SECRET_PLACEHOLDER } from '../input/platform.js';
import { renderBundle } from '../render/renderBundle.js';
import { writeBundle, type WrittenFile } from './writeBundle.js';
import { minimalProject, sfdxProjectOf } from './sfdxProject.js';
import { describeReplacedFiles } from './replacedFiles.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'generate');

export type GeneratedProvider = {
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
  /** The Salesforce certificate that signs the client assertion; absent for a provider with a client secret. */
  certificate?: string;
};

export type GenerateOutcome = {
  outputDir: string;
  apiVersion: string;
  files: WrittenFile[];
  providers: GeneratedProvider[];
  /** How the client secret is supplied; absent when every provider uses a certificate instead. */
  secret?: { found: boolean; source?: string; placeholder: string };
  /** Whether --output-dir lies in an SFDX project, which `sf project deploy start` needs; next steps say what to add. */
  sfdxProject: 'found' | 'missing';
  nextSteps: string[];
};

export function summarize(provider: ProviderSpec): GeneratedProvider {
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
    certificate: provider.auth.kind === 'certificate' ? provider.auth.certificate : undefined,
  };
}

function nextSteps(providers: ProviderSpec[], outputDir: string, usesSecret: boolean, project?: { path: string; content: string }): string[] {
  const steps = [usesSecret ? messages.getMessage('next.Deploy', [SECRET_ENV]) : messages.getMessage('next.DeployCertificate')];
  // Deploying by hand needs an SFDX project around the files; `sf azure-authprovider deploy` needs none.
  if (project) steps.push(messages.getMessage('next.NoProject', [outputDir, project.path, project.content]));
  const plugins = providers.filter((provider) => provider.mode === 'plugin');
  const vaulted = plugins.filter((provider) => provider.tokenCredential);
  if (vaulted.length > 0) {
    steps.push(messages.getMessage('next.DeployByHandTokenCredential', [outputDir, vaulted.map((provider) => provider.name).join(', '), vaulted[0].name, vaulted[0].tokenCredential ?? '']));
  }
  if (plugins.some((provider) => provider.secretStorage === 'record')) steps.push(messages.getMessage('next.DeployByHand', [outputDir]));
  else if (vaulted.length === 0 && plugins.length > 0) steps.push(messages.getMessage('next.DeployByHandCertificate', [outputDir]));
  for (const provider of providers) {
    const native = provider.mode === 'native';
    if (native) {
      steps.push(messages.getMessage('next.DeployNativeByHand', [outputDir, provider.principal ?? '', provider.externalCredential ?? '', provider.principal ?? '']));
    } else {
      if (provider.auth.kind === 'certificate') steps.push(messages.getMessage('next.Certificate', [provider.name, provider.auth.certificate]));
      if (!provider.executionUser) steps.push(messages.getMessage('next.ExecutionUser', [provider.name]));
    }
    if (provider.model === 'external') {
      steps.push(messages.getMessage('next.AssignPermissionSet', [provider.permissionSet ?? '']));
      // A native principal holds its credentials once deploy (or Setup) stores them: nothing to authenticate.
      if (!native) steps.push(messages.getMessage('next.AuthenticateExternal', [provider.externalCredential ?? '', provider.principal ?? '']));
    } else {
      steps.push(messages.getMessage('next.AuthenticateLegacy', [provider.namedCredential]));
    }
    steps.push(messages.getMessage('next.Callout', [provider.namedCredential]));
  }
  return steps;
}

export type GenerateOptions = {
  /** Lets a provider already in the output directory get another tenant or client. */
  force?: boolean;
  /** What the files replaced held that is now gone, said once they are written. */
  onWarning?: (warning: string) => void;
};

/**
 * Validates everything, renders in memory, then writes: invalid input, or a provider repointed without --force,
 * leaves the output directory untouched.
 */
export async function generateBundle(input: BundleInput, outputDir: string, secretFlag?: string, naming?: FieldNaming, options: GenerateOptions = {}): Promise<GenerateOutcome> {
  const spec = parseBundleSpec(input, naming);
  const usesSecret = spec.providers.some((provider) => provider.auth.kind === 'secret');
  // The secret is only checked, so a bad one is reported now rather than at deploy time; it is never rendered.
  const secret = usesSecret ? clientSecretFrom(secretFlag) : undefined;
  let warnings: string[] = [];
  const files = await writeBundle(renderBundle(spec), outputDir, {
    beforeWrite: (changed) => {
      warnings = describeReplacedFiles(spec, changed, options.force === true);
    },
  });
  for (const warning of warnings) options.onWarning?.(warning);
  const project = (await sfdxProjectOf(outputDir)) ? undefined : minimalProject(outputDir, spec.apiVersion);
  return {
    outputDir,
    apiVersion: spec.apiVersion,
    files,
    providers: spec.providers.map(summarize),
    secret: usesSecret ? { found: secret !== undefined, source: secret?.source, placeholder: SECRET_PLACEHOLDER } : undefined,
    sfdxProject: project ? 'missing' : 'found',
    nextSteps: nextSteps(spec.providers, outputDir, usesSecret, project),
  };
}
