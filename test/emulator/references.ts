/**
 * What refers to a component, so that deleting it can be refused as Salesforce refuses it ("This ... is referenced
 * elsewhere in Salesforce"): an Auth. Provider by Named Credentials and External Credentials, an External Credential
 * by Named Credentials and permission sets, a custom metadata record and an Apex class by Auth. Providers, a custom
 * metadata type by its records, a permission set by its assignments.
 *
 * The type-by-its-records rule is the stricter reading: the Metadata API Developer Guide (deleteMetadata(), "Rules and
 * Guidelines") says deleting a parent component also deletes its children when each of them can be deleted, and no
 * page found says whether a custom metadata type's records count as such children. A client that deletes the
 * records first works under either reading.
 */
import type { Org } from './org.js';
import { childrenNamed, childText } from './xml.js';

const same = (a: string | undefined, b: string): boolean => (a ?? '').toLowerCase() === b.toLowerCase();

/** `Type - Name` of every component (or record) that refers to this one. */
export function referencesTo(org: Org, type: string, fullName: string): string[] {
  const refs: string[] = [];
  const each = (t: string, test: (tree: ReturnType<Org['list']>[number]['tree']) => boolean): void => {
    for (const c of org.list(t)) if (test(c.tree)) refs.push(`${t} - ${c.fullName}`);
  };
  switch (type) {
    case 'AuthProvider':
      each('NamedCredential', (t) => same(childText(t, 'authProvider'), fullName));
      each('ExternalCredential', (t) => childrenNamed(t, 'externalCredentialParameters').some((p) => same(childText(p, 'authProvider'), fullName)));
      break;
    case 'ExternalCredential':
      each('NamedCredential', (t) => childrenNamed(t, 'namedCredentialParameters').some((p) => same(childText(p, 'externalCredential'), fullName)));
      each('PermissionSet', (t) =>
        childrenNamed(t, 'externalCredentialPrincipalAccesses').some((a) => (childText(a, 'externalCredentialPrincipal') ?? '').toLowerCase().startsWith(`${fullName.toLowerCase()}-`))
      );
      break;
    case 'CustomMetadata': {
      const [typeName, record] = fullName.split('.');
      each('AuthProvider', (t) => same(childText(t, 'customMetadataTypeRecord'), `${typeName}__mdt.${record}`));
      break;
    }
    case 'ApexClass':
      each('AuthProvider', (t) => same(childText(t, 'plugin'), fullName));
      break;
    case 'CustomObject':
      if (/__mdt$/i.test(fullName)) {
        const prefix = `${fullName.replace(/__mdt$/i, '')}.`.toLowerCase();
        for (const r of org.list('CustomMetadata')) if (r.fullName.toLowerCase().startsWith(prefix)) refs.push(`CustomMetadata - ${r.fullName}`);
      }
      break;
    case 'PermissionSet': {
      const ps = org.get('PermissionSet', fullName);
      const assigned = ps ? org.permissionSetAssignments.filter((a) => a.permissionSetId === ps.id).length : 0;
      if (assigned > 0) refs.push(`PermissionSetAssignment - ${assigned} user(s)`);
      break;
    }
    default:
  }
  return refs;
}

export function referencedMessage(type: string, refs: string[]): string {
  return `This ${type} is referenced elsewhere in Salesforce. Remove the usage and try again. : ${refs.join(', ')}`;
}
