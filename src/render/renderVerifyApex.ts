/*
 * The anonymous Apex that verify runs in the org: one template each, rendered with Apex string escaping.
 */
import { FIELDS } from '../spec/platform.js';
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
