/*
 * What a deploy is asked to do: the command's input, the org, the secrets (or how to ask for them) and the events
 * through which the command shows the deploy's progress.
 */
import type { Org } from '@salesforce/core';
import type { BundleInput, FieldNaming, ProviderSpec } from '../input/providerSpec.js';
import type { ClientSecret } from '../input/clientSecret.js';
import type { DeployProgress, TestLevel } from '../salesforce/deployPackage.js';
import type { RetryPolicy } from '../salesforce/retry.js';

export type DeployEvents = {
  onStage?: (stage: string) => void;
  /** The deploy request is on its way: from here on, an interrupted command may leave a deploy running in the org. */
  onSending?: () => void;
  onSubmitted?: (deployId: string) => void;
  onProgress?: (progress: DeployProgress) => void;
  onRetry?: RetryPolicy['onRetry'];
  onWarning?: (warning: string) => void;
  /** Said once when the org's token request meets a credential Entra has not replicated yet (newCredential). */
  onCredentialWait?: (message: string) => void;
};

export type DeployOptions = {
  input: BundleInput;
  /** How messages name a value's origin: flags by default, or places in a config file. */
  naming?: FieldNaming;
  /**
   * Each provider's secret when the command already has them (flag, environment, config file): the bundle is then
   * zipped while the org is read. It is given the providers that use a secret, and may throw, once the input is
   * valid, naming what is missing.
   */
  secrets?: (providers: readonly ProviderSpec[]) => Record<string, ClientSecret>;
  /** Asks for the secret when there is none, once the input is valid, so a prompt never asks for one that cannot be used. */
  askSecret: () => Promise<ClientSecret>;
  org: Org;
  dryRun: boolean;
  testLevel?: TestLevel;
  /** Users who get the permission set besides the deploying user. */
  assignTo: string[];
  waitMs: number;
  open: boolean;
  headless: boolean;
  /** Lets a provider the org holds get another tenant or client. */
  force?: boolean;
  /**
   * The credential (or the app) was created by this run, moments ago: where the org asks Entra for a token during the
   * deploy (a plugin principal's flow), a refusal as not replicated yet is tried again within what is left of waitMs.
   */
  newCredential?: boolean;
  /** Ends such a wait at once (the command was interrupted). */
  signal?: AbortSignal;
  events?: DeployEvents;
};
