/*
 * What generate is about to overwrite, in words: a provider repointed to another tenant or client (refused without
 * --force), each changed value of a custom metadata record, a client secret pasted into a record (its value is never
 * shown), and every other file whose content differed. Read from the files' previous content before anything is written.
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import { Messages } from '@salesforce/core';
import type { BundleSpec, ProviderSpec } from '../input/providerSpec.js';
import { DEFAULT_PRINCIPAL, FIELDS, SECRET_PLACEHOLDER, SHARED } from '../input/platform.js';
import { SECRET_ENV } from '../input/clientSecret.js';
import { refuseOrWarn, repointing, tenantOf, type Repointing } from '../input/repointing.js';
import type { ChangedFile } from './writeBundle.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-azure-authprovider', 'generate');

/** The document's elements, or undefined when a hand edit left it unreadable: it then counts as just replaced. */
function elementsOf(xml: string): Element[] | undefined {
  let broken = false;
  try {
    const doc = new DOMParser({ onError: () => (broken = true) }).parseFromString(xml, 'text/xml');
    return broken || !doc.documentElement ? undefined : Array.from(doc.documentElement.childNodes).filter((node): node is Element => node.nodeType === 1);
  } catch {
    return undefined;
  }
}

const child = (element: Element, name: string): Element | undefined => Array.from(element.getElementsByTagName(name))[0];
const elementText = (element: Element | undefined): string | undefined => element?.textContent?.trim() ?? undefined;

/** A record's label and values by field; a nil value is undefined. */
function recordValues(xml: string): Map<string, string | undefined> | undefined {
  const elements = elementsOf(xml);
  if (!elements) return undefined;
  const values = new Map<string, string | undefined>();
  for (const element of elements) {
    if (element.localName === 'label') values.set('label', elementText(element));
    if (element.localName !== 'values') continue;
    const value = child(element, 'value');
    const nil = value?.getAttribute('xsi:nil') === 'true';
    values.set(elementText(child(element, 'field')) ?? '', nil ? undefined : elementText(value) || undefined);
  }
  return values;
}

/** A native External Credential's token URL, the one place its files name the tenant. */
function authProviderUrl(xml: string): string | undefined {
  const parameter = elementsOf(xml)?.find((element) => element.localName === 'externalCredentialParameters' && elementText(child(element, 'parameterType')) === 'AuthProviderUrl');
  return parameter ? elementText(child(parameter, 'parameterValue')) : undefined;
}

const shown = (value: string | undefined): string => value ?? messages.getMessage('replaced.None');
const SECRET_FIELD = FIELDS.clientSecret.apiName;
/** Values in Client_Secret__c that are no secret: none, or the placeholder. */
const notSecret = (value: string | undefined): boolean => value === undefined || value === SECRET_PLACEHOLDER;

/** Where the provider's secret lives now, for the sentence that says a pasted one is gone from the file. */
function secretNowLives(provider: ProviderSpec, record: string): string {
  if (provider.auth.kind === 'certificate') return messages.getMessage('replaced.SecretCertificate', [record, provider.auth.certificate]);
  if (provider.tokenCredential) return messages.getMessage('replaced.SecretCredential', [record, DEFAULT_PRINCIPAL, provider.tokenCredential, SECRET_ENV]);
  return messages.getMessage('replaced.SecretPlaceholder', [record, SECRET_ENV]);
}

/** One record's changes: a repointing, the sentence for each changed value, and whether any was described. */
function recordChanges(provider: ProviderSpec, file: ChangedFile): { repointed?: Repointing; warnings: string[] } | undefined {
  const [before, after] = [recordValues(file.previous), recordValues(file.content)];
  if (!before || !after) return undefined;
  const repointed = repointing(
    provider,
    { tenant: tenantOf(before.get(FIELDS.tokenUrl.apiName), before.get(FIELDS.tenantId.apiName)), clientId: before.get(FIELDS.clientId.apiName) },
    'generate'
  );
  // The repointing names tenant and client already.
  const named = new Set<string>(repointed ? [FIELDS.tenantId.apiName, FIELDS.clientId.apiName] : []);
  const warnings: string[] = [];
  const changed: string[] = [];
  for (const field of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const [old, fresh] = [before.get(field), after.get(field)];
    if (old === fresh || named.has(field)) continue;
    if (field === SECRET_FIELD && !(notSecret(old) && notSecret(fresh))) warnings.push(secretNowLives(provider, file.fullName));
    else changed.push(messages.getMessage('replaced.Field', [field, shown(old), shown(fresh)]));
  }
  if (changed.length > 0) warnings.unshift(messages.getMessage('replaced.Record', [file.fullName, changed.join('; ')]));
  return { repointed, warnings };
}

/**
 * The warnings for the files about to be replaced. Throws, so that nothing is written, when a provider would get
 * another tenant or client and `force` is not set.
 */
export function describeReplacedFiles(spec: BundleSpec, changed: ChangedFile[], force: boolean): string[] {
  const repointed: Repointing[] = [];
  const warnings: string[] = [];
  const others: string[] = [];
  for (const file of changed) {
    const provider = spec.providers.find((p) =>
      file.type === 'CustomMetadata' ? p.mode === 'plugin' && file.fullName === `${SHARED.metadataType}.${p.name}` : file.type === 'ExternalCredential' && p.mode === 'native' && file.fullName === p.externalCredential
    );
    if (provider?.mode === 'native') {
      const old = tenantOf(authProviderUrl(file.previous));
      const found = old === undefined ? undefined : repointing(provider, { tenant: old }, 'generate');
      if (found) repointed.push(found);
    } else if (provider) {
      const record = recordChanges(provider, file);
      if (record?.repointed) repointed.push(record.repointed);
      warnings.push(...(record?.warnings ?? []));
      // A record whose every change is said above needs no mention among the replaced files.
      if (record && (record.repointed !== undefined || record.warnings.length > 0)) continue;
    }
    others.push(file.shown);
  }
  const forced = refuseOrWarn(repointed, force, 'Files');
  if (others.length > 0) warnings.push(messages.getMessage('replaced.Files', [others.length, others.join(', ')]));
  return [...forced, ...warnings];
}
