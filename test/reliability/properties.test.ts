/*
 * Property-based tests of the renderer (fast-check): for arbitrary values the spec accepts, every rendered XML file
 * parses and gives each value back exactly, and every rendered Apex unit parses, including verify's anonymous Apex
 * with an arbitrary callout path whose string literal decodes back to the path.
 */
import fc from 'fast-check';
import { parseBundleSpec } from '../../src/input/providerSpec.js';
import { parseCalloutPath } from '../../src/input/calloutPath.js';
import { renderBundle, type BundleFile } from '../../src/render/renderBundle.js';
import { calloutCheckApex, tokenCheckApex } from '../../src/render/renderVerifyApex.js';
import { parseXml, recordValues, texts } from '../helpers/xml.js';
import { apexSyntaxErrors } from '../helpers/apex.js';
import { record } from './counts.js';

const RUNS = 150;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\uFFFE\uFFFF]/;

const developerName = fc
  .tuple(fc.stringMatching(/^[A-Za-z]$/), fc.array(fc.stringMatching(/^[A-Za-z0-9]{1,6}$/), { maxLength: 5 }))
  .map(([first, parts]) => `${first}${parts.join('_')}`.slice(0, 32).replace(/_+$/, ''));
/** Invisible format characters, which the spec refuses in every text value. */
const FORMAT = /\p{Cf}/u;
const label = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 32 }).filter((s) => !CONTROL.test(s) && !FORMAT.test(s) && s.trim() !== '' && s.trim().length <= 32);
const tenant = fc.oneof(fc.uuid(), fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]\.onmicrosoft\.com$/));
// U+FFFD is what undecodable bytes become: the spec refuses it in a secret.
const secret = fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }).filter((s) => !CONTROL.test(s) && !s.includes('\uFFFD') && s.length <= 255);
const scopePath = fc.stringMatching(/^[!#-[\]-~]{1,30}$/);
const username = fc.stringMatching(/^[!-?A-~]{1,30}$/).map((local) => `${local}@contoso.example.com`);
const endpointPath = fc.stringMatching(/^[A-Za-z0-9\-._~!$&'()*+,;=:@/]{0,40}$/);

const apexErrors = apexSyntaxErrors;

const file = (files: BundleFile[], suffix: string): Document => parseXml(files.find((f) => f.path.endsWith(suffix))!.content);
/** Apex classes render the same for most inputs: parse each distinct text once. */
const parsedClasses = new Set<string>();

describe('renderer properties', () => {
  it('renders well-formed XML that gives every value back, and Apex that parses', () => {
    fc.assert(
      fc.property(developerName, label, tenant, fc.uuid(), secret, scopePath, username, endpointPath, (name, lbl, tid, cid, sec, scope, user, path) => {
        const spec = parseBundleSpec({
          providers: [{ name, label: lbl, tenantId: tid, clientId: cid, scope: `https://api.contoso.com/${scope}/.default`, endpoint: `https://api.contoso.com/${path}`, executionUser: user }],
        });
        const provider = spec.providers[0];
        const files = renderBundle(spec, { secrets: { [name]: sec } });
        for (const f of files.filter((candidate) => !candidate.path.endsWith('.cls'))) parseXml(f.content);
        for (const f of files.filter((candidate) => candidate.path.endsWith('.cls') && !parsedClasses.has(candidate.content))) {
          expect(apexErrors(f.content, 'compilationUnit')).toEqual([]);
          parsedClasses.add(f.content);
        }

        const authProvider = file(files, `authproviders/${name}.authprovider-meta.xml`);
        expect(texts(authProvider, 'friendlyName')).toEqual([lbl.trim()]);
        expect(texts(authProvider, 'executionUser')).toEqual([user]);
        const values = recordValues(file(files, `Azure_Client_Credential.${name}.md-meta.xml`));
        // The token credential's principal gets the secret after the deploy; the record holds none.
        expect(values.get('Client_Secret__c')).toBeUndefined();
        expect(values.get('Token_Credential__c')).toBe(`${name}_Token`);
        expect(values.get('Client_ID__c')).toBe(cid.toLowerCase());
        expect(values.get('Scope__c')).toBe(`https://api.contoso.com/${scope}/.default`);
        expect(values.get('Token_URL__c')).toBe(provider.tokenUrl);
        expect(values.get('Auth_Provider_Name__c')).toBe(name);
        const namedCredential = file(files, `namedCredentials/${name}.namedCredential-meta.xml`);
        expect(texts(namedCredential, 'parameterValue')).toContain(provider.endpoint);
        expect(texts(namedCredential, 'label')).toEqual([lbl.trim()]);
        record({ propertyRuns: 1 });
      }),
      { numRuns: RUNS }
    );
  });

  it("renders verify's anonymous Apex that parses, with the callout path intact in its string literal", () => {
    const calloutPath = fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map((s) => `/${s}`).filter((p) => {
      try {
        return parseCalloutPath(p) === p;
      } catch {
        return false;
      }
    });
    fc.assert(
      fc.property(developerName, calloutPath, (name, path) => {
        const callout = calloutCheckApex(name, path);
        expect(apexErrors(callout, 'anonymousUnit')).toEqual([]);
        const literal = /setEndpoint\('((?:[^'\\]|\\.)*)'\)/.exec(callout)?.[1] ?? '';
        expect(literal.replace(/\\(.)/g, '$1')).toBe(`callout:${name}${path}`);
        expect(apexErrors(tokenCheckApex({ className: 'AzureClientCredentialsProvider', type: 'Azure_Client_Credential__mdt', record: name }), 'anonymousUnit')).toEqual([]);
        record({ propertyRuns: 1 });
      }),
      { numRuns: RUNS }
    );
  });
});
