import { parseBundleSpec, type ProviderInput } from '../../src/input/providerSpec.js';
import { renderBundle, type BundleFile } from '../../src/render/renderBundle.js';
import { SECRET_PLACEHOLDER } from '../../src/input/platform.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT } from '../helpers/values.js';
import { parseXml, recordValues, texts } from '../helpers/xml.js';

const base: ProviderInput = { name: 'AzureGraph', tenantId: TENANT, clientId: CLIENT_ID };
const THUMBPRINT = 'q9Vxw9wDmF3eCkPlYKgZX1fD3hE';
const certificate: ProviderInput = { ...base, auth: 'certificate', certificate: 'Entra_Signing', certificateThumbprint: THUMBPRINT };

function render(providers: ProviderInput[], secrets?: Record<string, string>, apiVersion?: string): BundleFile[] {
  return renderBundle(parseBundleSpec({ apiVersion, providers }), { secrets });
}

function file(files: BundleFile[], suffix: string): BundleFile {
  const found = files.find((candidate) => candidate.path.endsWith(suffix));
  if (!found) throw new Error(`no file ending in ${suffix} among ${files.map((f) => f.path).join(', ')}`);
  return found;
}


describe('renderBundle', () => {
  it('renders the shared pieces once and every piece of the External Credential model', () => {
    const paths = render([base]).map((f) => f.path);
    expect(paths).toEqual([
      'main/default/classes/AzureClientCredentialsProvider.cls',
      'main/default/classes/AzureClientCredentialsProvider.cls-meta.xml',
      'main/default/classes/AzureClientCredentialsProviderTest.cls',
      'main/default/classes/AzureClientCredentialsProviderTest.cls-meta.xml',
      'main/default/objects/Azure_Client_Credential__mdt/Azure_Client_Credential__mdt.object-meta.xml',
      'main/default/objects/Azure_Client_Credential__mdt/fields/Auth_Provider_Name__c.field-meta.xml',
      'main/default/objects/Azure_Client_Credential__mdt/fields/Token_URL__c.field-meta.xml',
      'main/default/objects/Azure_Client_Credential__mdt/fields/Client_ID__c.field-meta.xml',
      'main/default/objects/Azure_Client_Credential__mdt/fields/Client_Secret__c.field-meta.xml',
      'main/default/objects/Azure_Client_Credential__mdt/fields/Scope__c.field-meta.xml',
      'main/default/objects/Azure_Client_Credential__mdt/fields/Resource__c.field-meta.xml',
      'main/default/objects/Azure_Client_Credential__mdt/fields/Tenant_ID__c.field-meta.xml',
      'main/default/objects/Azure_Client_Credential__mdt/fields/Auth_Method__c.field-meta.xml',
      'main/default/objects/Azure_Client_Credential__mdt/fields/Certificate_Name__c.field-meta.xml',
      'main/default/objects/Azure_Client_Credential__mdt/fields/Certificate_Thumbprint__c.field-meta.xml',
      'main/default/objects/Azure_Client_Credential__mdt/fields/Token_Credential__c.field-meta.xml',
      'main/default/remoteSiteSettings/TokenHost_login_microsoftonline_com.remoteSite-meta.xml',
      'main/default/customMetadata/Azure_Client_Credential.AzureGraph.md-meta.xml',
      'main/default/authproviders/AzureGraph.authprovider-meta.xml',
      'main/default/namedCredentials/AzureGraph.namedCredential-meta.xml',
      'main/default/externalCredentials/AzureGraph.externalCredential-meta.xml',
      'main/default/permissionsets/AzureGraph_Callout.permissionset-meta.xml',
      'main/default/externalCredentials/AzureGraph_Token.externalCredential-meta.xml',
      'main/default/namedCredentials/AzureGraph_Token.namedCredential-meta.xml',
    ]);
  });

  it('writes the Auth. Provider exactly as a retrieve does', () => {
    const files = render([{ ...base, executionUser: 'admin@contoso.com', label: 'Microsoft Graph' }]);
    expect(file(files, 'AzureGraph.authprovider-meta.xml').content).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<AuthProvider xmlns="http://soap.sforce.com/2006/04/metadata">',
        '    <customMetadataTypeRecord>Azure_Client_Credential__mdt.AzureGraph</customMetadataTypeRecord>',
        '    <executionUser>admin@contoso.com</executionUser>',
        '    <friendlyName>Microsoft Graph</friendlyName>',
        '    <includeOrgIdInIdentifier>false</includeOrgIdInIdentifier>',
        '    <isPkceEnabled>false</isPkceEnabled>',
        '    <plugin>AzureClientCredentialsProvider</plugin>',
        '    <providerType>Custom</providerType>',
        '    <requireMfa>false</requireMfa>',
        '    <sendAccessTokenInHeader>false</sendAccessTokenInHeader>',
        '    <sendClientCredentialsInHeader>false</sendClientCredentialsInHeader>',
        '    <sendSecretInApis>false</sendSecretInApis>',
        '</AuthProvider>',
        '',
      ].join('\n')
    );
  });

  it('renders the legacy model as one Named Credential with the Auth. Provider and scope', () => {
    const files = render([{ ...base, model: 'legacy' }], undefined, '58.0');
    expect(files.some((f) => f.type === 'ExternalCredential' || f.type === 'PermissionSet')).toBe(false);
    const doc = parseXml(file(files, 'AzureGraph.namedCredential-meta.xml').content);
    expect(texts(doc, 'authProvider')).toEqual(['AzureGraph']);
    expect(texts(doc, 'endpoint')).toEqual(['https://graph.microsoft.com']);
    expect(texts(doc, 'oauthScope')).toEqual(['https://graph.microsoft.com/.default']);
    expect(texts(doc, 'principalType')).toEqual(['NamedUser']);
    expect(texts(doc, 'protocol')).toEqual(['Oauth']);
    expect(texts(parseXml(file(files, 'AzureClientCredentialsProvider.cls-meta.xml').content), 'apiVersion')).toEqual(['58.0']);
  });

  it('grants both principals and Modify All on User External Credentials (which named-principal OAuth needs to store refreshed tokens), and no Create', () => {
    const content = file(render([base]), 'AzureGraph_Callout.permissionset-meta.xml').content;
    expect(texts(parseXml(content), 'externalCredentialPrincipal')).toEqual(['AzureGraph-NamedPrincipal', 'AzureGraph_Token-NamedPrincipal']);
    const grant = /<objectPermissions>([\s\S]*?)<\/objectPermissions>/.exec(content)?.[1] ?? '';
    expect(grant).toContain('<object>UserExternalCredential</object>');
    // Modify All needs Read, Edit, Delete and View All; nothing needs Create.
    for (const flag of ['allowDelete', 'allowEdit', 'allowRead', 'modifyAllRecords', 'viewAllRecords']) {
      expect(grant).toContain(`<${flag}>true</${flag}>`);
    }
    expect(grant).toContain('<allowCreate>false</allowCreate>');
  });

  it('stores the secret in a token credential: a Custom External Credential with a principal, and a Named Credential for the token URL that merges it', () => {
    const files = render([base], { AzureGraph: HOSTILE_SECRET });
    const ec = parseXml(file(files, 'AzureGraph_Token.externalCredential-meta.xml').content);
    expect(texts(ec, 'authenticationProtocol')).toEqual(['Custom']);
    expect([texts(ec, 'parameterName'), texts(ec, 'parameterType'), texts(ec, 'sequenceNumber')]).toEqual([['NamedPrincipal'], ['NamedPrincipal'], ['1']]);
    const nc = parseXml(file(files, 'AzureGraph_Token.namedCredential-meta.xml').content);
    expect(texts(nc, 'allowMergeFieldsInBody')).toEqual(['true']);
    expect(texts(nc, 'allowMergeFieldsInHeader')).toEqual(['false']);
    expect(texts(nc, 'generateAuthorizationHeader')).toEqual(['false']);
    expect(texts(nc, 'parameterValue')).toEqual([`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`]);
    expect(texts(nc, 'externalCredential')).toEqual(['AzureGraph_Token']);
    const values = recordValues(parseXml(file(files, '.md-meta.xml').content));
    expect([values.get('Client_Secret__c'), values.get('Token_Credential__c')]).toEqual([undefined, 'AzureGraph_Token']);
    // The secret goes to the principal after the deploy, through Connect REST: no file of the bundle holds it.
    expect(files.filter((f) => f.content.includes('sEcReT'))).toEqual([]);
  });

  it('puts extra refresh status codes on the External Credential', () => {
    const doc = parseXml(file(render([{ ...base, refreshStatusCodes: ['403', '429'] }]), '.externalCredential-meta.xml').content);
    const params = Array.from(doc.getElementsByTagName('externalCredentialParameters'));
    const refresh = params.filter((p) => p.getElementsByTagName('parameterType')[0].textContent === 'AdditionalRefreshStatusCode');
    expect(refresh.map((p) => p.getElementsByTagName('parameterValue')[0].textContent)).toEqual(['403', '429']);
  });

  it('renders native mode as credentials only: no Apex, record, Auth. Provider or remote site, and no secret anywhere', () => {
    const files = render([{ ...base, mode: 'native' }], { AzureGraph: HOSTILE_SECRET });
    expect(files.map((f) => f.path)).toEqual([
      'main/default/namedCredentials/AzureGraph.namedCredential-meta.xml',
      'main/default/externalCredentials/AzureGraph.externalCredential-meta.xml',
      'main/default/permissionsets/AzureGraph_Callout.permissionset-meta.xml',
    ]);
    for (const f of files) expect(f.content).not.toContain(HOSTILE_SECRET);
    const doc = parseXml(file(files, '.externalCredential-meta.xml').content);
    const params = Array.from(doc.getElementsByTagName('externalCredentialParameters')).map((p) => ({
      type: p.getElementsByTagName('parameterType')[0].textContent,
      value: p.getElementsByTagName('parameterValue')[0]?.textContent,
    }));
    // Named after the protocol, as files retrieved from real orgs name it (issue 19): <parameterName>Oauth</parameterName>.
    const variant = Array.from(doc.getElementsByTagName('externalCredentialParameters')).find((p) => p.getElementsByTagName('parameterType')[0].textContent === 'AuthProtocolVariant');
    expect(variant?.getElementsByTagName('parameterName')[0].textContent).toBe('Oauth');
    expect(params).toEqual([
      { type: 'AuthProtocolVariant', value: 'ClientCredentialsClientSecret' },
      { type: 'AuthProviderUrl', value: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token` },
      { type: 'AuthParameter', value: 'https://graph.microsoft.com/.default' },
      { type: 'NamedPrincipal', value: undefined },
    ]);
    expect(texts(doc, 'authProvider')).toEqual([]);
    expect(texts(doc, 'description')[0]).toContain('sf azure-authprovider');
  });

  it('renders the shared Apex once for a bundle that mixes plugin and native providers', () => {
    const files = render([{ ...base, name: 'Native', mode: 'native' }, base]);
    expect(files.filter((f) => f.type === 'ApexClass').length).toBe(4);
    expect(files.filter((f) => f.type === 'AuthProvider').map((f) => f.fullName)).toEqual(['AzureGraph']);
    expect(files.filter((f) => f.type === 'ExternalCredential').map((f) => f.fullName)).toEqual(['Native', 'AzureGraph', 'AzureGraph_Token']);
  });

  it('lets a second provider add only its own pieces and reuse the token host', () => {
    const files = render([base, { ...base, name: 'SharePoint', scope: 'https://contoso.sharepoint.com/.default' }]);
    expect(files.filter((f) => f.type === 'ApexClass').length).toBe(4);
    expect(files.filter((f) => f.type === 'CustomObject').length).toBe(1);
    expect(files.filter((f) => f.type === 'RemoteSiteSetting').length).toBe(1);
    expect(files.filter((f) => f.type === 'AuthProvider').map((f) => f.fullName)).toEqual(['AzureGraph', 'SharePoint']);
    const named = parseXml(file(files, 'SharePoint.namedCredential-meta.xml').content);
    expect(texts(named, 'parameterValue')).toEqual(['https://contoso.sharepoint.com']);
  });

  it('writes the placeholder into a legacy record, never a secret, unless one is injected', () => {
    const record = (files: BundleFile[]) => {
      const doc = parseXml(file(files, '.md-meta.xml').content);
      const values = Array.from(doc.getElementsByTagName('values'));
      const secret = values.find((v) => v.getElementsByTagName('field')[0].textContent === 'Client_Secret__c');
      return secret?.getElementsByTagName('value')[0].textContent;
    };
    const legacy = { ...base, model: 'legacy' };
    expect(record(render([legacy]))).toBe(SECRET_PLACEHOLDER);
    const injected = render([legacy], { AzureGraph: HOSTILE_SECRET });
    expect(record(injected)).toBe(HOSTILE_SECRET);
    // Only the record carries it: no other file, Apex included, ever sees the secret.
    expect(injected.filter((f) => f.content.includes('sEcReT')).map((f) => f.type)).toEqual(['CustomMetadata']);
  });

  it('round-trips hostile labels and URLs exactly through every XML file', () => {
    const label = `A&B <"it's"> ]]> {{x}} é😀`;
    const endpoint = "https://api.contoso.com/a&b/'q'/]]>";
    const files = render([{ ...base, label: label.slice(0, 32), endpoint }]);
    for (const xml of files.filter((f) => f.path.endsWith('.xml'))) parseXml(xml.content);
    expect(texts(parseXml(file(files, '.authprovider-meta.xml').content), 'friendlyName')).toEqual([label.slice(0, 32)]);
    expect(texts(parseXml(file(files, '.namedCredential-meta.xml').content), 'parameterValue')[0]).toBe(new URL(endpoint).href);
  });

  it('marks absent record values as nil, and present ones as strings', () => {
    const doc = parseXml(file(render([base]), '.md-meta.xml').content);
    const resource = Array.from(doc.getElementsByTagName('values')).find(
      (v) => v.getElementsByTagName('field')[0].textContent === 'Resource__c'
    );
    expect(resource?.getElementsByTagName('value')[0].getAttribute('xsi:nil')).toBe('true');
    expect(doc.documentElement.getAttribute('xmlns:xsd')).toBe('http://www.w3.org/2001/XMLSchema');
  });

  it('records the auth method: secret records hold the secret and no certificate', () => {
    const values = recordValues(parseXml(file(render([{ ...base, model: 'legacy' }], { AzureGraph: HOSTILE_SECRET }), '.md-meta.xml').content));
    expect(values.get('Auth_Method__c')).toBe('secret');
    expect(values.get('Client_Secret__c')).toBe(HOSTILE_SECRET);
    expect(values.has('Certificate_Name__c')).toBe(true);
    expect(values.get('Certificate_Name__c')).toBeUndefined();
    expect(values.get('Certificate_Thumbprint__c')).toBeUndefined();
  });

  it('gives a certificate record the certificate and its thumbprint, and no secret or placeholder even when one is offered', () => {
    const files = render([certificate], { AzureGraph: HOSTILE_SECRET });
    const record = file(files, '.md-meta.xml').content;
    const values = recordValues(parseXml(record));
    expect(values.get('Auth_Method__c')).toBe('certificate');
    expect(values.get('Certificate_Name__c')).toBe('Entra_Signing');
    expect(values.get('Certificate_Thumbprint__c')).toBe(THUMBPRINT);
    expect(values.has('Client_Secret__c')).toBe(true);
    expect(values.get('Client_Secret__c')).toBeUndefined();
    expect(record).toContain('<field>Client_Secret__c</field>\n        <value xsi:nil="true"/>');
    expect(record).not.toContain(SECRET_PLACEHOLDER);
    expect(files.filter((f) => f.content.includes('sEcReT'))).toEqual([]);
  });

  it('keeps each provider\'s credential in its own record when secret and certificate providers share a bundle', () => {
    const files = render([{ ...base, model: 'legacy' }, { ...certificate, name: 'SharePoint' }], { AzureGraph: HOSTILE_SECRET });
    const graph = recordValues(parseXml(file(files, 'Azure_Client_Credential.AzureGraph.md-meta.xml').content));
    const sharePoint = recordValues(parseXml(file(files, 'Azure_Client_Credential.SharePoint.md-meta.xml').content));
    expect([graph.get('Auth_Method__c'), graph.get('Client_Secret__c'), graph.get('Certificate_Name__c')]).toEqual(['secret', HOSTILE_SECRET, undefined]);
    expect([sharePoint.get('Auth_Method__c'), sharePoint.get('Client_Secret__c'), sharePoint.get('Certificate_Name__c')]).toEqual(['certificate', undefined, 'Entra_Signing']);
  });

  it('makes the secret and the certificate fields optional, so either kind of record deploys', () => {
    const files = render([base]);
    const required = (field: string): string[] => texts(parseXml(file(files, `/${field}.field-meta.xml`).content), 'required');
    for (const field of ['Client_Secret__c', 'Auth_Method__c', 'Certificate_Name__c', 'Certificate_Thumbprint__c']) expect(required(field)).toEqual(['false']);
    for (const field of ['Auth_Provider_Name__c', 'Token_URL__c', 'Client_ID__c']) expect(required(field)).toEqual(['true']);
  });

  it('renders one plugin class for both kinds: the certificate path signs with the record\'s certificate and never logs the body', () => {
    const plugin = file(render([base]), 'AzureClientCredentialsProvider.cls').content;
    expect(render([certificate]).find((f) => f.fullName === 'AzureClientCredentialsProvider' && f.path.endsWith('.cls'))?.content).toBe(plugin);
    expect(plugin).toContain("Crypto.signWithCertificate('RSA-SHA256', data, certificateName)");
    expect(plugin).toContain("config.get('Auth_Method__c')");
    expect(plugin).toContain("requireValue(config, 'Certificate_Thumbprint__c')");
    // One debug statement, fed endpoints, statuses and failure messages: never the body, the secret, the assertion or the token.
    const debugs = plugin.split('\n').filter((line) => line.includes('System.debug('));
    expect(debugs).toEqual([expect.stringContaining("System.debug(level, 'AzureClientCredentialsProvider: ' + line)")]);
    const logged = [...plugin.matchAll(/logLine\(LoggingLevel\.\w+,[^;]*;/g)].map((m) => m[0]);
    expect(logged.length).toBeGreaterThanOrEqual(3);
    for (const call of logged) expect(call).not.toMatch(/\bbody\b|clientSecret|assertion|\baccessToken\b/i);
  });
});
