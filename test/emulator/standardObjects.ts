/**
 * Standard objects a permission set may name without deploying them: a small list, not the platform's full one
 * (Object Reference for the Salesforce Platform, "Standard Objects", lists each of these). An object outside it
 * must be a custom object in the org or in the same deploy. Standard fields of these objects are not modeled:
 * a field permission on one (no `__c`) is accepted, a custom field on one must exist.
 */
export const STANDARD_OBJECTS: ReadonlySet<string> = new Set(
  [
    'Account', 'Asset', 'Campaign', 'Case', 'Contact', 'ContentVersion', 'Contract', 'Document', 'Event', 'Lead',
    'Opportunity', 'OpportunityLineItem', 'Order', 'Pricebook2', 'Product2', 'Quote', 'Solution', 'Task', 'User',
    // the per-user token store of External Credentials (API 56.0+), which the generated permission set grants
    'UserExternalCredential',
  ].map((o) => o.toLowerCase())
);

export const isStandardObject = (name: string): boolean => STANDARD_OBJECTS.has(name.toLowerCase());
