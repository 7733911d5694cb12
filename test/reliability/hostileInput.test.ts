/*
 * Hostile input, tried as a user tries it: `./bin/run.js azure-authprovider generate` in a child process. Every case
 * is either refused (exit 2, one message naming the flag, no stack trace, nothing written) or accepted and found
 * unchanged in the file where it belongs, parsed back as XML.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesBelow, runCliAsync, type CliRun } from '../helpers/runCli.js';
import { CLIENT_ID, HOSTILE_SECRET, TENANT } from '../helpers/values.js';
import { parseXml, recordValues, texts } from '../helpers/xml.js';
import { apexSyntaxErrors } from '../helpers/apex.js';
import { record } from './counts.js';
import { findSecret } from './leaks.js';

type Flags = Record<string, string | string[] | undefined>;
type Expectation = { refused: string } | { kept: Array<[file: string, read: (xml: Document) => unknown, expected: unknown]> };
type Case = {
  title: string;
  flags: Flags;
  env?: NodeJS.ProcessEnv;
  outputDir?: (root: string) => string;
  /** generate unless told otherwise; verify reads a secret from standard input (generate has no use for one). */
  command?: 'generate' | 'verify';
  /** Flags without a value, such as --client-secret-stdin. */
  switches?: string[];
  /** What standard input holds: bytes, or a file (such as /dev/zero) opened as it. */
  stdin?: Buffer | string;
  /** A config file written beside the output directory and given as --config-file instead of the provider flags. */
  config?: { file: string; content: string | Buffer };
  expect: Expectation;
};

const BASE: Flags = { '--name': 'AzureGraph', '--tenant-id': TENANT, '--client-id': CLIENT_ID };

/** Special files a path flag may be given: a FIFO (which blocks a reader until a writer comes) and a large file. */
const SPECIAL = mkdtempSync(join(tmpdir(), 'aap-special-'));
const FIFO = join(SPECIAL, 'cert.pem');
execFileSync('mkfifo', [FIFO]);
const LARGE = join(SPECIAL, 'large.pem');
writeFileSync(LARGE, `${readFileSync('test/entra/fixtures/app-cert.pem', 'utf8')}\n${'#'.repeat(300 * 1024)}`);
const argv = (flags: Flags): string[] =>
  Object.entries({ ...BASE, ...flags }).flatMap(([flag, value]) => (value === undefined ? [] : (Array.isArray(value) ? value : [value]).flatMap((v) => [flag, v])));

const refused = (title: string, flags: Flags, flag: string, env?: NodeJS.ProcessEnv): Case => ({ title, flags, env, expect: { refused: flag } });
const ap = (name = 'AzureGraph'): string => `authproviders/${name}.authprovider-meta.xml`;
const rec = (name = 'AzureGraph'): string => `customMetadata/Azure_Client_Credential.${name}.md-meta.xml`;
const field = (name: string) => (xml: Document) => recordValues(xml).get(name);
const tag = (name: string) => (xml: Document) => texts(xml, name)[0];
const paramValue = (type: string) => (xml: Document) => {
  const param = Array.from(xml.getElementsByTagName('parameterType')).find((node) => node.textContent === type)?.parentNode as Element | undefined;
  return param ? texts(param as unknown as Document, 'parameterValue')[0] : undefined;
};
const kept = (title: string, flags: Flags, checks: Array<[string, (xml: Document) => unknown, unknown]>): Case => ({ title, flags, expect: { kept: checks } });

/** verify's local token check reads its secret from standard input; the token URL is a closed port on this machine. */
const stdinSecret = (title: string, stdin: Buffer | string): Case => ({
  title,
  command: 'verify',
  flags: { '--name': undefined, '--token-url': 'http://127.0.0.1:9/oauth2/v2.0/token' },
  switches: ['--client-secret-stdin'],
  stdin,
  expect: { refused: 'standard input' },
});
/** A config file of one provider; `where` is the part of the message that names the key (or the file). */
const configText = (format: 'json' | 'yaml', provider: Record<string, string>): string => {
  const full = { name: 'AzureGraph', tenantId: TENANT, clientId: CLIENT_ID, ...provider };
  if (format === 'json') return JSON.stringify({ providers: [full] }, null, 2);
  return `providers:\n${Object.entries(full).map(([key, value], i) => `${i === 0 ? '  - ' : '    '}${key}: ${JSON.stringify(value)}`).join('\n')}\n`;
};
const inConfig = (title: string, file: string, content: string | Buffer, expect: Expectation): Case => ({ title, flags: {}, config: { file, content }, expect });
const BOM = '\uFEFF';
/** A label whose bytes are not UTF-8: 0xFF never occurs in UTF-8, 0xC3 0x28 is a lead byte without its continuation. */
const NOT_UTF8 = Buffer.concat([Buffer.from('{"providers":[{"name":"AzureGraph","tenantId":"' + TENANT + '","clientId":"' + CLIENT_ID + '","label":"L'), Buffer.from([0xff, 0xc3, 0x28]), Buffer.from('"}]}')]);
const ENDPOINT_1000 = `https://api.contoso.com/${'e'.repeat(1000 - 'https://api.contoso.com/'.length)}`;

const CASES: Case[] = [
  // names: developer names only, so no path, markup or code can ride on them
  refused('path traversal in --name', { '--name': '../../etc/passwd' }, '--name'),
  refused('a slash in --name', { '--name': 'a/b' }, '--name'),
  refused('a space in --name', { '--name': 'Azure Graph' }, '--name'),
  refused('a leading digit in --name', { '--name': '1Graph' }, '--name'),
  refused('a double underscore in --name', { '--name': 'Graph__c' }, '--name'),
  refused('a trailing underscore in --name', { '--name': 'Graph_' }, '--name'),
  refused('33 characters in --name', { '--name': 'G'.repeat(33) }, '--name'),
  refused('10,000 characters in --name', { '--name': 'G'.repeat(10000) }, '--name'),
  refused('an empty --name', { '--name': '' }, '--name'),
  refused('unicode in --name', { '--name': 'Grâph' }, '--name'),
  refused('Handlebars in --name', { '--name': '{{name}}' }, '--name'),
  refused('a line break in --name', { '--name': 'Gr\naph' }, '--name'),
  refused('an XML tag in --name', { '--name': '<x>' }, '--name'),
  refused('an Apex quote in --name', { '--name': "a');System.debug('" }, '--name'),
  refused('path traversal in --named-credential', { '--named-credential': '../x' }, '--named-credential'),
  refused('81 characters in --permission-set', { '--permission-set': 'P'.repeat(81) }, '--permission-set'),
  refused('a hyphen in --principal', { '--principal': 'a-b' }, '--principal'),
  // labels: free text on one line
  refused('a line break in --label', { '--label': 'Line\nbreak' }, '--label'),
  refused('a tab in --label', { '--label': 'tab\there' }, '--label'),
  refused('33 characters in --label', { '--label': 'L'.repeat(33) }, '--label'),
  refused('a right-to-left override in --label', { '--label': 'Invoice\u202Efdp.exe' }, '--label'),
  refused('a right-to-left isolate in --label', { '--label': 'Graph\u2067x\u2069' }, '--label'),
  refused('a zero-width space in --label', { '--label': 'Gr\u200Baph' }, '--label'),
  refused('a right-to-left mark in --label', { '--label': 'Graph\u200F' }, '--label'),
  refused('a byte order mark inside --label', { '--label': 'Gr\uFEFFaph' }, '--label'),
  refused('an Arabic letter mark in --label', { '--label': 'Graph\u061C' }, '--label'),
  refused('a Unicode tag character in --label', { '--label': 'Graph\u{E0041}' }, '--label'),
  refused('an empty --label', { '--label': '   ' }, '--label'),
  // tenants and client ids
  refused('words as --tenant-id', { '--tenant-id': 'not a tenant' }, '--tenant-id'),
  refused('a short GUID as --tenant-id', { '--tenant-id': TENANT.slice(0, -1) }, '--tenant-id'),
  refused('a braced GUID as --tenant-id', { '--tenant-id': `{${TENANT}}` }, '--tenant-id'),
  refused('path traversal in a --tenant-id domain', { '--tenant-id': 'contoso.com/../evil' }, '--tenant-id'),
  refused('a URL as --tenant-id', { '--tenant-id': 'https://login.microsoftonline.com/contoso.com' }, '--tenant-id'),
  refused('a quote in a --tenant-id domain', { '--tenant-id': "contoso.com'" }, '--tenant-id'),
  refused('words as --client-id', { '--client-id': 'not-a-guid' }, '--client-id'),
  refused('a non-hex GUID as --client-id', { '--client-id': `${CLIENT_ID.slice(0, -1)}g` }, '--client-id'),
  refused('an empty --client-id', { '--client-id': '' }, '--client-id'),
  // URLs
  refused('plain http --token-url', { '--token-url': 'http://login.example.com/t/oauth2/v2.0/token' }, '--token-url'),
  refused('a javascript: --token-url', { '--token-url': 'javascript:alert(1)' }, '--token-url'),
  refused('credentials in --token-url', { '--token-url': 'https://user:pw@login.example.com/token' }, '--token-url'),
  refused('a query string in --token-url', { '--token-url': 'https://login.example.com/token?x=1' }, '--token-url'),
  refused('localhost as --token-url', { '--token-url': 'https://localhost/token' }, '--token-url'),
  refused('a space in --token-url', { '--token-url': 'https://login.example.com/to ken' }, '--token-url'),
  refused('ftp --token-url', { '--token-url': 'ftp://login.example.com/token' }, '--token-url'),
  refused('a 300-character --token-url', { '--token-url': `https://login.example.com/${'a'.repeat(300)}` }, '--token-url'),
  refused('a malformed --token-url', { '--token-url': 'https://' }, '--token-url'),
  refused('plain http --endpoint', { '--endpoint': 'http://api.contoso.com' }, '--endpoint'),
  refused('a loopback --endpoint', { '--endpoint': 'https://127.0.0.1' }, '--endpoint'),
  refused('a fragment in --endpoint', { '--endpoint': 'https://api.contoso.com/#x' }, '--endpoint'),
  refused('a 1001-character --endpoint', { '--endpoint': `${ENDPOINT_1000}e` }, '--endpoint'),
  refused('a 100,000-character --endpoint', { '--endpoint': `https://api.contoso.com/${'e'.repeat(100000)}` }, '--endpoint'),
  // loopback and unspecified hosts in every spelling the URL parser leaves distinct
  refused('an IPv4-mapped loopback --endpoint', { '--endpoint': 'https://[::ffff:7f00:1]' }, '--endpoint'),
  refused('an IPv4-mapped dotted loopback --endpoint', { '--endpoint': 'https://[::ffff:127.0.0.1]/api' }, '--endpoint'),
  refused('an IPv4-compatible loopback --endpoint', { '--endpoint': 'https://[::127.0.0.1]' }, '--endpoint'),
  refused('0.0.0.0 as --endpoint', { '--endpoint': 'https://0.0.0.0' }, '--endpoint'),
  refused('a bare 0 as --endpoint host', { '--endpoint': 'https://0/api' }, '--endpoint'),
  refused('another 127/8 address as --endpoint', { '--endpoint': 'https://127.0.0.2' }, '--endpoint'),
  refused('the top of 127/8 as --endpoint', { '--endpoint': 'https://127.255.255.254' }, '--endpoint'),
  refused('the unspecified IPv6 address as --endpoint', { '--endpoint': 'https://[::]' }, '--endpoint'),
  refused('localhost with a trailing dot as --endpoint', { '--endpoint': 'https://localhost.' }, '--endpoint'),
  refused('upper-case LOCALHOST with a trailing dot as --endpoint', { '--endpoint': 'https://LOCALHOST./api' }, '--endpoint'),
  refused('localhost.localdomain as --endpoint', { '--endpoint': 'https://localhost.localdomain' }, '--endpoint'),
  refused('a *.localhost name as --endpoint', { '--endpoint': 'https://api.localhost' }, '--endpoint'),
  refused('0.0.0.0 as --token-url', { '--token-url': 'https://0.0.0.0/oauth2/v2.0/token' }, '--token-url'),
  refused('an IPv4-mapped loopback --token-url', { '--token-url': 'https://[::ffff:7f00:1]/oauth2/v2.0/token' }, '--token-url'),
  refused('localhost with a trailing dot as --token-url', { '--token-url': 'https://localhost./oauth2/v2.0/token' }, '--token-url'),
  // invisible characters the URL parser would drop from a host name
  refused('a zero-width space in the --endpoint host', { '--endpoint': 'https://api.con\u200Btoso.com' }, '--endpoint'),
  refused('a soft hyphen in the --token-url host', { '--token-url': 'https://login.micro\u00ADsoftonline.com/t/oauth2/v2.0/token' }, '--token-url'),
  // scopes and resources
  refused('two scopes for client_credentials', { '--scope': 'https://graph.microsoft.com/.default extra' }, '--scope'),
  refused('a double quote in --scope', { '--scope': 'https://graph.microsoft.com/.default"' }, '--scope'),
  refused('a delegated scope on v2', { '--scope': 'User.Read' }, '--scope'),
  refused('a backslash in --scope', { '--scope': 'a\\b/.default' }, '--scope'),
  refused('--scope with --resource', { '--scope': 'https://graph.microsoft.com/.default', '--resource': 'https://graph.microsoft.com' }, '--resource'),
  // users, codes, versions, options
  refused('a non-username --execution-user', { '--execution-user': 'not-an-email' }, '--execution-user'),
  refused('a space in --execution-user', { '--execution-user': 'a b@c.d' }, '--execution-user'),
  refused('a zero-width space in --execution-user', { '--execution-user': 'admin\u200B@contoso.com' }, '--execution-user'),
  refused('a right-to-left override in --execution-user', { '--execution-user': 'admin@\u202Emoc.osotnoc' }, '--execution-user'),
  refused('a zero-width joiner in --execution-user', { '--execution-user': 'ad\u200Dmin@contoso.com' }, '--execution-user'),
  refused('401 as --refresh-status-code', { '--refresh-status-code': '401' }, '--refresh-status-code'),
  refused('words as --refresh-status-code', { '--refresh-status-code': 'abc' }, '--refresh-status-code'),
  refused('a 5xx (500) as --refresh-status-code', { '--refresh-status-code': '500' }, '--refresh-status-code'),
  refused('hex 0x193 as --refresh-status-code', { '--refresh-status-code': '0x193' }, '--refresh-status-code'),
  refused('an exponent 4e2 as --refresh-status-code', { '--refresh-status-code': '4e2' }, '--refresh-status-code'),
  refused('a sign +403 as --refresh-status-code', { '--refresh-status-code': '+403' }, '--refresh-status-code'),
  refused('a decimal 403.0 as --refresh-status-code', { '--refresh-status-code': '403.0' }, '--refresh-status-code'),
  refused('a leading zero 0403 as --refresh-status-code', { '--refresh-status-code': '0403' }, '--refresh-status-code'),
  refused('binary 0b110010011 as --refresh-status-code', { '--refresh-status-code': '0b110010011' }, '--refresh-status-code'),
  refused('a bare major --api-version', { '--api-version': '62' }, '--api-version'),
  refused('a typo --api-version', { '--api-version': '620.0' }, '--api-version'),
  refused('--api-version too old for the model', { '--api-version': '55.0' }, '--api-version'),
  refused('an unknown --cloud', { '--cloud': 'mars' }, '--cloud'),
  refused('an unknown --model', { '--model': 'both' }, '--model'),
  refused('an unknown --mode', { '--mode': 'auto' }, '--mode'),
  refused('--mode native on the legacy model', { '--mode': 'native', '--model': 'legacy' }, '--mode'),
  refused('--mode native with an execution user', { '--mode': 'native', '--execution-user': 'a@b.cd' }, '--execution-user'),
  refused('--auth certificate without --certificate', { '--auth': 'certificate', '--certificate-file': 'test/entra/fixtures/app-cert.pem' }, '--certificate'),
  refused('path traversal in --certificate', { '--auth': 'certificate', '--certificate': '../key', '--certificate-file': 'test/entra/fixtures/app-cert.pem' }, '--certificate'),
  refused('a private key as --certificate-file', { '--auth': 'certificate', '--certificate': 'Cert', '--certificate-file': 'test/entra/fixtures/app-key.pem' }, '--certificate-file'),
  refused('a missing --certificate-file', { '--auth': 'certificate', '--certificate': 'Cert', '--certificate-file': 'no/such/file.pem' }, '--certificate-file'),
  refused('/dev/zero as --certificate-file', { '--auth': 'certificate', '--certificate': 'Cert', '--certificate-file': '/dev/zero' }, '--certificate-file'),
  refused('a FIFO as --certificate-file', { '--auth': 'certificate', '--certificate': 'Cert', '--certificate-file': FIFO }, '--certificate-file'),
  refused('a directory as --certificate-file', { '--auth': 'certificate', '--certificate': 'Cert', '--certificate-file': SPECIAL }, '--certificate-file'),
  refused('a 300 KB --certificate-file', { '--auth': 'certificate', '--certificate': 'Cert', '--certificate-file': LARGE }, '--certificate-file'),
  // the secret (generate checks it, never writes it)
  refused('a line break in AZURE_CLIENT_SECRET', {}, 'AZURE_CLIENT_SECRET', { AZURE_CLIENT_SECRET: 'abc\ndef' }),
  refused('a 256-character AZURE_CLIENT_SECRET', {}, 'AZURE_CLIENT_SECRET', { AZURE_CLIENT_SECRET: 's'.repeat(256) }),
  refused('a control character in --client-secret', { '--client-secret': 'abc\u0007' }, '--client-secret'),
  refused('a replacement character (undecodable bytes) in AZURE_CLIENT_SECRET', {}, 'AZURE_CLIENT_SECRET', { AZURE_CLIENT_SECRET: 'abc\uFFFDdef' }),
  stdinSecret('invalid UTF-8 in a secret on standard input', Buffer.from([0x61, 0x62, 0xff, 0xfe, 0x63, 0x0a])),
  stdinSecret('a truncated UTF-8 sequence in a secret on standard input', Buffer.from([0x61, 0x62, 0xe2, 0x82])),
  stdinSecret('/dev/zero as standard input for the secret', '/dev/zero'),
  // config files: values are checked as the flags are, and named by their key
  inConfig('a right-to-left override in a JSON config label', 'providers.json', configText('json', { label: 'Invoice\u202Efdp.exe' }), { refused: 'providers[0].label' }),
  inConfig('a zero-width space in a YAML config executionUser', 'providers.yaml', configText('yaml', { executionUser: 'admin\u200B@contoso.com' }), { refused: 'providers[0].executionUser' }),
  inConfig('a 1001-character endpoint in a config file', 'providers.json', configText('json', { endpoint: `${ENDPOINT_1000}e` }), { refused: 'providers[0].endpoint' }),
  inConfig('an IPv4-mapped loopback endpoint in a config file', 'providers.yaml', configText('yaml', { endpoint: 'https://[::ffff:7f00:1]' }), { refused: 'providers[0].endpoint' }),
  inConfig('invalid UTF-8 in a config file', 'providers.json', NOT_UTF8, { refused: '--config-file' }),
  // output paths
  { title: 'an --output-dir that is a file', flags: {}, outputDir: (root) => (writeFileSync(join(root, 'file'), 'x'), join(root, 'file')), expect: { refused: '--output-dir' } },

  // accepted, and found unchanged
  kept('XML specials in --label', { '--label': `A&B <c> "d" 'e'` }, [[ap(), tag('friendlyName'), `A&B <c> "d" 'e'`]]),
  kept('a CDATA end in --label', { '--label': 'x]]>y' }, [[ap(), tag('friendlyName'), 'x]]>y']]),
  kept('Handlebars in --label', { '--label': '{{label}} {{{x}}}' }, [[ap(), tag('friendlyName'), '{{label}} {{{x}}}']]),
  kept('unicode in --label', { '--label': 'Grâph 😀 ü €' }, [[ap(), tag('friendlyName'), 'Grâph 😀 ü €']]),
  kept('backslashes in --label', { '--label': '\\back\\slash' }, [[ap(), tag('friendlyName'), '\\back\\slash']]),
  kept('spaces around --label (trimmed)', { '--label': '  Padded  ' }, [[ap(), tag('friendlyName'), 'Padded']]),
  kept("a quote and ampersand in --execution-user", { '--execution-user': "o'brien&co@contoso.com" }, [[ap(), tag('executionUser'), "o'brien&co@contoso.com"]]),
  kept('angle brackets in --execution-user', { '--execution-user': 'a<b>@c.d' }, [[ap(), tag('executionUser'), 'a<b>@c.d']]),
  kept('an Apex reserved word as --name', { '--name': 'class' }, [[rec('class'), field('Auth_Provider_Name__c'), 'class']]),
  kept('a SOQL keyword as --name', { '--name': 'select' }, [[rec('select'), field('Auth_Provider_Name__c'), 'select']]),
  kept('32 characters in --name', { '--name': 'G'.repeat(32) }, [[rec('G'.repeat(32)), field('Auth_Provider_Name__c'), 'G'.repeat(32)]]),
  kept('an upper-case --tenant-id (normalized)', { '--tenant-id': TENANT.toUpperCase() }, [[rec(), field('Tenant_ID__c'), TENANT]]),
  kept('a domain as --tenant-id', { '--tenant-id': 'contoso.onmicrosoft.com' }, [[rec(), field('Token_URL__c'), 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token']]),
  kept("a quote and ampersand in --token-url's path", { '--token-url': "https://login.example.com/t'en&ant/oauth2/v2.0/token", '--tenant-id': undefined, '--endpoint': 'https://api.contoso.com' }, [
    [rec(), field('Token_URL__c'), "https://login.example.com/t'en&ant/oauth2/v2.0/token"],
  ]),
  kept('an api:// --scope', { '--scope': `api://${CLIENT_ID}/.default`, '--endpoint': 'https://api.contoso.com' }, [[rec(), field('Scope__c'), `api://${CLIENT_ID}/.default`]]),
  kept('XML specials in --scope', { '--scope': 'https://api.contoso.com/x&y<z>/.default' }, [[rec(), field('Scope__c'), 'https://api.contoso.com/x&y<z>/.default']]),
  kept('a v1 --resource', { '--resource': 'https://graph.microsoft.com' }, [[rec(), field('Resource__c'), 'https://graph.microsoft.com']]),
  kept("a quote in --endpoint's path", { '--endpoint': "https://api.contoso.com/v1/it's" }, [['namedCredentials/AzureGraph.namedCredential-meta.xml', paramValue('Url'), "https://api.contoso.com/v1/it's"]]),
  kept('a repeated --refresh-status-code (kept once)', { '--refresh-status-code': ['403', '403'] }, [
    ['externalCredentials/AzureGraph.externalCredential-meta.xml', (xml) => texts(xml, 'parameterValue').filter((v) => v === '403'), ['403']],
  ]),
  kept('XML specials in the token URL of a native External Credential', { '--mode': 'native', '--token-url': "https://login.example.com/t'en&ant/oauth2/v2.0/token", '--tenant-id': undefined, '--endpoint': 'https://api.contoso.com', '--scope': 'api.read' }, [
    ['externalCredentials/AzureGraph.externalCredential-meta.xml', paramValue('AuthProviderUrl'), "https://login.example.com/t'en&ant/oauth2/v2.0/token"],
  ]),
  kept('a 1000-character --endpoint (the Named Credential URL limit)', { '--endpoint': ENDPOINT_1000 }, [['namedCredentials/AzureGraph.namedCredential-meta.xml', paramValue('Url'), ENDPOINT_1000]]),
  kept('a public IPv4-mapped address as --endpoint', { '--endpoint': 'https://[::ffff:8.8.8.8]' }, [['namedCredentials/AzureGraph.namedCredential-meta.xml', paramValue('Url'), 'https://[::ffff:808:808]']]),
  kept('a name that merely starts with localhost as --endpoint', { '--endpoint': 'https://localhost.contoso.com' }, [['namedCredentials/AzureGraph.namedCredential-meta.xml', paramValue('Url'), 'https://localhost.contoso.com']]),
  kept('spaces around --refresh-status-code (trimmed)', { '--refresh-status-code': ' 429 ' }, [
    ['externalCredentials/AzureGraph.externalCredential-meta.xml', (xml) => texts(xml, 'parameterValue').filter((v) => v === '429'), ['429']],
  ]),
  inConfig('a UTF-8 byte order mark before a JSON config file', 'providers.json', `${BOM}${configText('json', { label: 'From JSON' })}`, { kept: [[ap(), tag('friendlyName'), 'From JSON']] }),
  inConfig('a UTF-8 byte order mark before a YAML config file', 'providers.yaml', `${BOM}${configText('yaml', { label: 'From YAML' })}`, { kept: [[ap(), tag('friendlyName'), 'From YAML']] }),
  inConfig('a UTF-8 byte order mark before a JSON config file without .json', 'providers.conf', `${BOM}${configText('json', { label: 'From conf' })}`, { kept: [[ap(), tag('friendlyName'), 'From conf']] }),
  { title: 'spaces and unicode in --output-dir', flags: {}, outputDir: (root) => join(root, 'out dir ü', 'force-app'), expect: { kept: [[ap(), tag('friendlyName'), 'AzureGraph']] } },
];

/** Runs the cases a few at a time: each is a process of its own. */
async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return results;
}

type Outcome = { testCase: Case; run: CliRun; dir: string };
let outcomes: Outcome[];

beforeAll(async () => {
  outcomes = await inBatches(CASES, 4, async (testCase) => {
    const root = mkdtempSync(join(tmpdir(), 'aap-hostile-'));
    const dir = testCase.outputDir?.(root) ?? join(root, 'force-app');
    const env = { AZURE_CLIENT_SECRET: HOSTILE_SECRET, ...testCase.env };
    if (testCase.command === 'verify') {
      const stdin = typeof testCase.stdin === 'string' ? openSync(testCase.stdin, 'r') : undefined;
      try {
        const input = stdin ?? testCase.stdin;
        return { testCase, run: await runCliAsync('verify', [...argv(testCase.flags), ...(testCase.switches ?? [])], { ...env, AZURE_CLIENT_SECRET: undefined }, undefined, input), dir };
      } finally {
        if (stdin !== undefined) closeSync(stdin);
      }
    }
    let args = [...argv(testCase.flags), ...(testCase.switches ?? [])];
    if (testCase.config) {
      const file = join(root, testCase.config.file);
      writeFileSync(file, testCase.config.content);
      args = ['--config-file', file];
    }
    const run = await runCliAsync('generate', [...args, '--output-dir', dir], env);
    return { testCase, run, dir };
  });
}, Math.max(300000, CASES.length * 10000));

describe('hostile input to generate', () => {
  it('tries at least 50 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
    expect(new Set(CASES.map((c) => c.title)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.title, c]))('%s', (_title, testCase) => {
    const { run, dir } = outcomes.find((outcome) => outcome.testCase === testCase)!;
    record({ tried: 1 });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(output).not.toMatch(/\n\s+at \S+ \(|TypeError|ReferenceError|Cannot read properties/);
    expect(findSecret(HOSTILE_SECRET, { texts: { stdout: run.stdout, stderr: run.stderr }, dirs: [dir, run.home] })).toEqual([]);
    const expectation = (testCase as Case).expect;
    if ('refused' in expectation) {
      expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 2, stdout: '' });
      expect(run.stderr).toContain(expectation.refused);
      expect(existsSync(dir) ? filesBelow(dir).filter((file) => !file.endsWith('/file')) : []).toEqual([]);
      record({ refused: 1 });
      return;
    }
    expect(run.stderr.replace(/^Warning: .*\n?/gm, '')).toBe('');
    expect(run.status).toBe(0);
    for (const [file, read, expected] of expectation.kept) {
      expect(read(parseXml(readFileSync(join(dir, 'main/default', file), 'utf8')))).toEqual(expected);
    }
    // Whatever was accepted, every generated Apex class still parses.
    for (const apex of filesBelow(dir).filter((file) => file.endsWith('.cls'))) {
      expect(apexSyntaxErrors(readFileSync(apex, 'utf8'))).toEqual([]);
    }
    record({ roundTripped: 1 });
  });
});
