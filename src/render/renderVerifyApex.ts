/*
 * The anonymous Apex that verify runs in the org: one template each, rendered with Apex string escaping.
 */
import { FIELDS, secretMergeField } from '../input/platform.js';
import { formValue } from './escape.js';
import { render } from './templates.js';

/** Calls the plugin class's refresh with the custom metadata record (`type` ends in __mdt) as its configuration. */
export function tokenCheckApex(plugin: { className: string; type: string; record: string }): string {
  return render('verify/token-check.apex.hbs', {
    type: plugin.type,
    recordName: plugin.record,
    fields: Object.values(FIELDS).map((field) => field.apiName),
    pluginClass: plugin.className,
  });
}

/** A GET of `path` (which starts with a slash) through the Named Credential. */
export function calloutCheckApex(namedCredential: string, path: string): string {
  return render('verify/callout-check.apex.hbs', { namedCredential, path });
}

/**
 * A client_credentials request through the token credential, built as the plugin builds it: the secret is the merge
 * field, which Salesforce replaces as it sends the request.
 */
export function tokenCredentialCheckApex(request: { name: string; clientId: string; scope?: string; resource?: string }): string {
  const body = [
    'grant_type=client_credentials',
    `client_id=${formValue(request.clientId)}`,
    `client_secret=${secretMergeField(request.name)}`,
    ...(request.scope ? [`scope=${formValue(request.scope)}`] : []),
    ...(request.resource ? [`resource=${formValue(request.resource)}`] : []),
  ].join('&');
  return render('verify/token-credential-check.apex.hbs', { tokenCredential: request.name, body });
}
