/**
 * A deploy's cross-reference step: what each component names (an Apex class, a custom metadata record, a user, an
 * Auth. Provider, an External Credential or its principal, a certificate, an object or field) must exist in this
 * deploy or in the org, plus the value rules of providerRules.ts and externalCredential.ts.
 */
import type { ApexClassInfo } from './apex.js';
import { externalCredentialProblems } from './externalCredential.js';
import { providerValueProblems } from './providerRules.js';
import { isStandardObject } from './standardObjects.js';
import { child, childrenNamed, childText, isNil, type XNode } from './xml.js';
import type { Candidate, DeployRun } from './deployTypes.js';

/** Fails each parsed candidate whose references do not resolve, against this deploy's candidates, then the org. */
export function checkReferences(run: DeployRun, cands: Candidate[]): void {
  const { org, fail } = run;
  const inDeploy = (type: string, name: string): Candidate | undefined =>
    cands.find((c) => c.type === type && c.fullName.toLowerCase() === name.toLowerCase() && c.tree);
  const exists = (type: string, name: string): boolean => Boolean(inDeploy(type, name) ?? org.get(type, name));
  const apexInfo = (name: string): ApexClassInfo | undefined => inDeploy('ApexClass', name)?.apex ?? org.apexClass(name)?.info;
  const objectFields = (obj: string): XNode[] => {
    const fields = new Map<string, XNode>();
    for (const f of childrenNamed(org.get('CustomObject', obj)?.tree, 'fields')) fields.set(childText(f, 'fullName')!.toLowerCase(), f);
    for (const c of cands) {
      if (!c.tree) continue;
      if (c.type === 'CustomObject' && c.fullName.toLowerCase() === obj.toLowerCase()) {
        for (const f of childrenNamed(c.tree, 'fields')) fields.set(childText(f, 'fullName')!.toLowerCase(), f);
      }
      if (c.type === 'CustomField' && c.fullName.toLowerCase().startsWith(`${obj.toLowerCase()}.`)) fields.set(childText(c.tree, 'fullName')!.toLowerCase(), c.tree);
    }
    return [...fields.values()];
  };
  const principalExists = (extCred: string, principal: string): boolean => {
    const ec = inDeploy('ExternalCredential', extCred)?.tree ?? org.get('ExternalCredential', extCred)?.tree;
    return childrenNamed(ec, 'externalCredentialParameters').some(
      (p) => ['NamedPrincipal', 'PerUserPrincipal'].includes(childText(p, 'parameterType') ?? '') &&
        childText(p, 'parameterName')?.toLowerCase() === principal.toLowerCase()
    );
  };

  for (const c of cands) {
    if (!c.tree || c.failed) continue;
    const t = c.tree;
    const err = (problem: string, node?: XNode): void => {
      fail(c.type, c.fullName, c.fileName, problem, node?.line, node?.col);
      c.failed = true;
    };
    for (const p of providerValueProblems(c.type, t)) err(p.message, p.node);
    switch (c.type) {
      case 'AuthProvider': {
        const plugin = childText(t, 'plugin');
        const providerType = childText(t, 'providerType');
        if (providerType === 'Custom' && !plugin) err('Required field is missing: plugin', t);
        if (plugin) {
          const info = apexInfo(plugin);
          if (!info) err(`In field: plugin - no ApexClass named ${plugin} found`, child(t, 'plugin'));
          else if (info.extendsType?.toLowerCase() !== 'auth.authproviderpluginclass') {
            err(`In field: plugin - ${plugin} must extend Auth.AuthProviderPluginClass`, child(t, 'plugin'));
          }
        }
        const cmdt = childText(t, 'customMetadataTypeRecord');
        if (cmdt) {
          const [typeName, rec] = cmdt.split('.');
          const recordName = `${typeName?.replace(/__mdt$/i, '')}.${rec}`;
          if (!rec || !/__mdt$/i.test(typeName) || !exists('CustomMetadata', recordName)) {
            err(`In field: customMetadataTypeRecord - no CustomMetadata named ${cmdt} found`, child(t, 'customMetadataTypeRecord'));
          }
        }
        const handler = childText(t, 'registrationHandler');
        if (handler && !exists('ApexClass', handler)) {
          err(`In field: registrationHandler - no ApexClass named ${handler} found`, child(t, 'registrationHandler'));
        }
        const execUser = childText(t, 'executionUser');
        if (execUser) {
          const u = org.userByUsername(execUser);
          if (!u || !u.isActive) err(`In field: executionUser - no User named ${execUser} found`, child(t, 'executionUser'));
        }
        break;
      }
      case 'NamedCredential': {
        const ap = childText(t, 'authProvider');
        if (ap && !exists('AuthProvider', ap)) err(`In field: authProvider - no AuthProvider named ${ap} found`, child(t, 'authProvider'));
        for (const p of childrenNamed(t, 'namedCredentialParameters')) {
          const ec = childText(p, 'externalCredential');
          if (childText(p, 'parameterType') === 'Authentication' && (!ec || !exists('ExternalCredential', ec))) {
            err(`In field: externalCredential - no ExternalCredential named ${ec ?? ''} found`, child(p, 'externalCredential') ?? p);
          }
        }
        break;
      }
      case 'ExternalCredential': {
        for (const p of childrenNamed(t, 'externalCredentialParameters')) {
          if (childText(p, 'parameterType') !== 'AuthProvider') continue;
          const ap = childText(p, 'authProvider');
          if (!ap || !exists('AuthProvider', ap)) err(`In field: authProvider - no AuthProvider named ${ap ?? ''} found`, child(p, 'authProvider') ?? p);
        }
        for (const p of childrenNamed(t, 'externalCredentialParameters')) {
          if (childText(p, 'parameterType') !== 'SigningCertificate') continue;
          // certificates live in Certificate and Key Management, not in a deploy: only the org's count
          const cert = childText(p, 'certificate') ?? childText(p, 'parameterValue') ?? '';
          if (!org.hasCertificate(cert)) err(`In field: certificate - no Certificate named ${cert} found`, child(p, 'certificate') ?? p);
        }
        for (const p of externalCredentialProblems(t)) err(p.message, p.node);
        break;
      }
      case 'PermissionSet': {
        for (const a of childrenNamed(t, 'externalCredentialPrincipalAccesses')) {
          const ref = childText(a, 'externalCredentialPrincipal') ?? '';
          const dash = ref.indexOf('-');
          if (dash < 0 || !principalExists(ref.slice(0, dash), ref.slice(dash + 1))) {
            err(`In field: externalCredentialPrincipal - no ExternalCredentialParameter named ${ref} found`, child(a, 'externalCredentialPrincipal'));
          }
        }
        for (const a of childrenNamed(t, 'classAccesses')) {
          const cls = childText(a, 'apexClass') ?? '';
          if (!exists('ApexClass', cls)) err(`In field: apexClass - no ApexClass named ${cls} found`, child(a, 'apexClass'));
        }
        for (const a of childrenNamed(t, 'objectPermissions')) {
          const obj = childText(a, 'object') ?? '';
          if (!isStandardObject(obj) && !exists('CustomObject', obj)) err(`In field: object - no CustomObject named ${obj} found`, child(a, 'object'));
        }
        for (const a of childrenNamed(t, 'fieldPermissions')) {
          const ref = childText(a, 'field') ?? '';
          const [obj, field] = ref.split('.');
          const objectKnown = isStandardObject(obj) || exists('CustomObject', obj);
          // standard fields of standard objects are not modeled; custom fields must exist in the org or the deploy
          const standardField = isStandardObject(obj) && field !== undefined && !/__c$/i.test(field);
          const fieldKnown = objectKnown && field !== undefined &&
            (standardField || objectFields(obj).some((f) => childText(f, 'fullName')?.toLowerCase() === field.toLowerCase()));
          if (!fieldKnown) err(`In field: field - no CustomField named ${ref} found`, child(a, 'field'));
        }
        for (const a of childrenNamed(t, 'customMetadataTypeAccesses')) {
          const n = childText(a, 'name') ?? '';
          if (!exists('CustomObject', n)) err(`In field: name - no CustomObject named ${n} found`, child(a, 'name'));
        }
        break;
      }
      case 'CustomObject': {
        if (/__mdt$/i.test(c.fullName) && child(t, 'deploymentStatus')) {
          err('Cannot specify: deploymentStatus for Custom Metadata Type', child(t, 'deploymentStatus'));
        }
        break;
      }
      case 'CustomField': {
        const obj = c.fullName.split('.')[0];
        if (!exists('CustomObject', obj)) err(`Cannot find the object ${obj} for field ${c.fullName}`, t);
        break;
      }
      case 'CustomMetadata': {
        const typeName = `${c.fullName.split('.')[0]}__mdt`;
        if (!exists('CustomObject', typeName)) {
          err(`In field: type - no CustomObject named ${typeName} found`, t);
          break;
        }
        const fields = objectFields(typeName);
        const byName = new Map(fields.map((f) => [childText(f, 'fullName')!.toLowerCase(), f]));
        const given = new Map<string, XNode>();
        for (const v of childrenNamed(t, 'values')) {
          const fname = childText(v, 'field') ?? '';
          given.set(fname.toLowerCase(), v);
          if (!byName.has(fname.toLowerCase())) err(`In field: field - no CustomField named ${typeName}.${fname} found`, child(v, 'field'));
        }
        for (const f of fields) {
          if (childText(f, 'required') !== 'true') continue;
          const v = given.get(childText(f, 'fullName')!.toLowerCase());
          const valueNode = child(v, 'value');
          if (!valueNode || isNil(valueNode) || valueNode.text === '') err(`Required fields are missing: [${childText(f, 'fullName')}]`, t);
        }
        break;
      }
      default:
    }
  }
}
