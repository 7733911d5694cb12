/** Metadata-format layout of the types the emulator supports (directory, suffix, -meta.xml companion, id prefix). */
export type TypeInfo = { dir: string; suffix: string; metaFile: boolean; idPrefix: string };

export const TYPES: Record<string, TypeInfo> = {
  ApexClass: { dir: 'classes', suffix: 'cls', metaFile: true, idPrefix: '01p' },
  CustomObject: { dir: 'objects', suffix: 'object', metaFile: false, idPrefix: '01I' },
  CustomMetadata: { dir: 'customMetadata', suffix: 'md', metaFile: false, idPrefix: 'm00' },
  AuthProvider: { dir: 'authproviders', suffix: 'authprovider', metaFile: false, idPrefix: '0SO' },
  NamedCredential: { dir: 'namedCredentials', suffix: 'namedCredential', metaFile: false, idPrefix: '0XA' },
  ExternalCredential: { dir: 'externalCredentials', suffix: 'externalCredential', metaFile: false, idPrefix: '0pu' },
  PermissionSet: { dir: 'permissionsets', suffix: 'permissionset', metaFile: false, idPrefix: '0PS' },
  RemoteSiteSetting: { dir: 'remoteSiteSettings', suffix: 'remoteSite', metaFile: false, idPrefix: '0rp' },
};

/** Child type listed in package.xml whose content lives inline in the parent file. */
export const CHILD_TYPES: Record<string, { parent: string; element: string; idPrefix: string }> = {
  CustomField: { parent: 'CustomObject', element: 'fields', idPrefix: '00N' },
};

export function fileNameOf(type: string, fullName: string): string {
  if (CHILD_TYPES[type]) {
    const parent = TYPES[CHILD_TYPES[type].parent];
    return `${parent.dir}/${fullName.split('.')[0]}.${parent.suffix}`;
  }
  const t = TYPES[type];
  return `${t.dir}/${fullName}.${t.suffix}`;
}

let counter = 0;
/** An 18-character Salesforce-looking id with the given key prefix. */
export function newId(prefix: string): string {
  counter += 1;
  const body = (Date.now() % 1e6).toString(36) + counter.toString(36);
  return (prefix + body.padStart(12, '0')).slice(0, 15).padEnd(15, '0') + 'AAA';
}
