/*
 * Salesforce compares API names and usernames without regard to case: `AzureGraph` and `azuregraph` are one
 * component, and a username matches whatever case it is typed in.
 */

/** Whether two Salesforce names (API names, usernames) are the same name; a missing name equals only a missing one. */
export const sameName = (a: string | undefined, b: string | undefined): boolean => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
