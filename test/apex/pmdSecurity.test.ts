/*
 * The generated Apex must be clean under PMD's Apex security rules (the "Security" category, plus ApexCSRF, which PMD 7
 * files under "Error Prone"): the rules Salesforce Code Analyzer and AppExchange security reviews run. PMD 7.26 ships
 * inside @salesforce/code-analyzer-pmd-engine without PMD's own CLI, so the engine's wrapper class runs it: a JSON
 * input naming the ruleset and the files, a JSON report of violations and processing errors.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseBundleSpec, type ProviderInput } from '../../src/input/providerSpec.js';
import { renderBundle } from '../../src/render/renderBundle.js';
import { calloutCheckApex, tokenCheckApex, tokenCredentialCheckApex } from '../../src/render/renderVerifyApex.js';
import { CLIENT_ID, TENANT } from '../helpers/values.js';

const THUMBPRINT = 'q9Vxw9wDmF3eCkPlYKgZX1fD3hE';
const base: ProviderInput = { name: 'AzureGraph', tenantId: TENANT, clientId: CLIENT_ID };

/** Every way generate writes the plugin class: the class is one template, but its inputs differ per variant. */
const variants: Record<string, ProviderInput> = {
  secret: base,
  certificate: { ...base, auth: 'certificate', certificate: 'Entra_Signing', certificateThumbprint: THUMBPRINT },
  legacy: { ...base, model: 'legacy' },
  'custom token URL': {
    name: 'OktaApi',
    clientId: CLIENT_ID,
    tokenUrl: 'https://example.okta.com/oauth2/default/v1/token',
    scope: 'api://default/.default',
    endpoint: 'https://api.example.com',
  },
};

type Source = { path: string; content: string };

function classesOf(name: string, input: ProviderInput): Source[] {
  return renderBundle(parseBundleSpec({ providers: [input] }))
    .filter((file) => file.path.endsWith('.cls'))
    .map((file) => ({ path: join(name.replace(/\W+/g, '-'), file.path), content: file.content }));
}

/**
 * verify's anonymous Apex, which PMD cannot parse as it stands: each block becomes a method of a class. The class is
 * `with sharing` because anonymous Apex runs as the current user, under that user's sharing.
 */
function verifyBlocks(): Source[] {
  const blocks = {
    token: tokenCheckApex({ className: 'AzureClientCredentialsProvider', type: 'Azure_Client_Credential__mdt', record: 'AzureGraph' }),
    callout: calloutCheckApex('AzureGraph', "/v1.0/users?$filter=startswith(displayName,'a')"),
    tokenCredential: tokenCredentialCheckApex({ name: 'AzureGraph_Token', clientId: CLIENT_ID, scope: 'https://graph.microsoft.com/.default' }),
  };
  return Object.entries(blocks).map(([name, source]) => ({
    path: `verify/Verify_${name}.cls`,
    content: `public with sharing class Verify_${name} {\n    public static void run() {\n${source}\n    }\n}\n`,
  }));
}

type Violation = { rule: string; message: string; codeLocation: { file: string; startLine: number } };
type Report = { violations: Violation[]; processingErrors: Array<{ file: string; message: string }> };

const RULESET = `<?xml version="1.0" encoding="UTF-8"?>
<ruleset name="Apex security" xmlns="http://pmd.sourceforge.net/ruleset/2.0.0"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://pmd.sourceforge.net/ruleset/2.0.0 https://pmd.sourceforge.io/ruleset_2_0_0.xsd">
    <description>PMD's Apex security category and ApexCSRF</description>
    <rule ref="category/apex/security.xml"/>
    <rule ref="category/apex/errorprone.xml/ApexCSRF"/>
</ruleset>
`;

/** Runs PMD on the sources; violations are reported as "path:line Rule: message", paths relative to the scan. */
function pmd(sources: Source[]): { findings: string[]; errors: string[] } {
  const workspace = mkdtempSync(join(tmpdir(), 'pmd-'));
  try {
    const files = sources.map((source) => {
      const target = join(workspace, 'src', source.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, source.content);
      return target;
    });
    writeFileSync(join(workspace, 'ruleset.xml'), RULESET);
    const input = { ruleSetInputFile: join(workspace, 'ruleset.xml'), runDataPerLanguage: { apex: { filesToScan: files } } };
    writeFileSync(join(workspace, 'input.json'), JSON.stringify(input));
    const engine = dirname(createRequire(import.meta.url).resolve('@salesforce/code-analyzer-pmd-engine/package.json'));
    const args = ['-cp', `${engine}/dist/java-lib/*`, 'com.salesforce.sfca.pmdwrapper.PmdWrapper', 'run', join(workspace, 'input.json'), join(workspace, 'report.json')];
    execFileSync('java', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const report = JSON.parse(readFileSync(join(workspace, 'report.json'), 'utf8')) as Report;
    const where = (file: string): string => relative(join(workspace, 'src'), file);
    return {
      findings: report.violations.map((v) => `${where(v.codeLocation.file)}:${v.codeLocation.startLine} ${v.rule}: ${v.message}`),
      errors: report.processingErrors.map((e) => `${where(e.file)}: ${e.message.split('\n')[0]}`),
    };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

const javaAvailable = spawnSync('java', ['-version']).status === 0;
if (!javaAvailable && process.env.REQUIRE_JAVA) throw new Error('REQUIRE_JAVA is set but java is not on PATH');
const describeWithJava = javaAvailable ? describe : describe.skip;
if (!javaAvailable) console.warn('PMD security checks of the generated Apex skipped: install Java 17 to run them');

describeWithJava('generated Apex: PMD security rules', () => {
  const classes = Object.entries(variants).flatMap(([name, input]) => classesOf(name, input));
  const blocks = verifyBlocks();
  let result: { findings: string[]; errors: string[] };

  beforeAll(() => {
    // One JVM for every file: starting PMD costs seconds on a shared machine.
    result = pmd([...classes, ...blocks]);
  });

  it('renders the plugin class and its test class for every variant', () => {
    expect(classes).toHaveLength(Object.keys(variants).length * 2);
  });

  it('parses every file (a file PMD cannot parse is a file it did not check)', () => {
    expect(result.errors).toEqual([]);
  });

  it('has no violation in the plugin class, its test class or verify\'s anonymous Apex, in any variant', () => {
    expect(result.findings).toEqual([]);
  });

  it('reports a debug call with a token-like variable, as the class once had (the check can fail)', () => {
    const plugin = classes.find((source) => source.path.endsWith('AzureClientCredentialsProvider.cls'))!;
    const marker = '        HttpResponse response = send(request, tokenUrl);';
    expect(plugin.content).toContain(marker);
    const old = plugin.content.replace(marker, `        System.debug(LoggingLevel.INFO, 'Requesting a token from ' + tokenUrl);\n${marker}`);
    const { findings, errors } = pmd([{ path: 'old/AzureClientCredentialsProvider.cls', content: old }]);
    expect(errors).toEqual([]);
    expect(findings).toEqual([expect.stringMatching(/^old\/AzureClientCredentialsProvider\.cls:\d+ ApexDangerousMethods: /)]);
  });

  it("reports a token-like variable in a debug call of verify's Apex (the wrapped blocks are scanned)", () => {
    const token = blocks.find((block) => block.path.includes('Verify_token'))!;
    const logged = "' + result.accessToken.length() + '";
    expect(token.content).toContain(logged);
    const changed = token.content.replace(logged, "' + tokenLength + '").replace('System.debug(', 'Integer tokenLength = result.accessToken.length();\nSystem.debug(');
    const { findings, errors } = pmd([{ ...token, content: changed }]);
    expect(errors).toEqual([]);
    expect(findings).toEqual([expect.stringMatching(/^verify\/Verify_token\.cls:\d+ ApexDangerousMethods: /)]);
  });
});
