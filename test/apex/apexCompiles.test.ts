/*
 * The generated Apex must compile on a real org. Two offline checks stand in for the org's compiler:
 * apex-parser for syntax, and apex-ls (Java, shipped inside @salesforce/code-analyzer-pmd-engine) for semantics:
 * types, methods and signatures of the platform classes such as Auth.AuthProviderPluginClass and Assert.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseBundleSpec } from '../../src/input/providerSpec.js';
import { renderBundle, type BundleFile } from '../../src/render/renderBundle.js';
import { calloutCheckApex, tokenCheckApex } from '../../src/render/renderVerifyApex.js';
import { CLIENT_ID, TENANT } from '../helpers/values.js';
import { apexSyntaxErrors } from '../helpers/apex.js';

const bundle = renderBundle(
  parseBundleSpec({
    providers: [
      { name: 'AzureGraph', tenantId: TENANT, clientId: CLIENT_ID },
      { name: 'LegacyGraph', tenantId: TENANT, clientId: CLIENT_ID, model: 'legacy' },
    ],
  })
);
const apexFiles = bundle.filter((f) => f.path.endsWith('.cls'));

const syntaxErrors = (source: string): string[] => apexSyntaxErrors(source);
const anonymousSyntaxErrors = (source: string): string[] => apexSyntaxErrors(source, 'anonymousUnit');

/** The anonymous Apex verify runs in the org, for the deployed plugin and a Graph path with quotes to escape. */
const verifyApex = {
  token: tokenCheckApex({ className: 'AzureClientCredentialsProvider', type: 'Azure_Client_Credential__mdt', record: 'AzureGraph' }),
  callout: calloutCheckApex('AzureGraph', "/v1.0/users?$filter=startswith(displayName,'a')"),
};

describe('generated Apex: syntax (apex-parser)', () => {
  it('renders the plugin class and its test class', () => {
    expect(apexFiles.map((f) => f.fullName)).toEqual(['AzureClientCredentialsProvider', 'AzureClientCredentialsProviderTest']);
  });

  it.each(apexFiles.map((f) => [f.fullName, f]))('%s parses without errors', (_name, file) => {
    expect(syntaxErrors((file as BundleFile).content)).toEqual([]);
  });

  it('reports a syntax error when there is one (the check can fail)', () => {
    expect(syntaxErrors('public class Broken { void m() { Integer x = ; } }').length).toBeGreaterThan(0);
  });

  it.each(Object.entries(verifyApex))("verify's %s check parses as anonymous Apex", (_name, source) => {
    expect(anonymousSyntaxErrors(source)).toEqual([]);
  });

  it('escapes the callout path for its Apex string literal', () => {
    expect(verifyApex.callout).toContain("'callout:AzureGraph/v1.0/users?$filter=startswith(displayName,\\'a\\')'");
  });
});

const javaAvailable = spawnSync('java', ['-version']).status === 0;
if (!javaAvailable && process.env.REQUIRE_JAVA) throw new Error('REQUIRE_JAVA is set but java is not on PATH');
const describeWithJava = javaAvailable ? describe : describe.skip;
if (!javaAvailable) console.warn('apex-ls semantic checks skipped: install Java 17 to run them');

/**
 * apex-ls asks for `override` on the four interface methods of AuthProviderPluginClass; Salesforce's own sample and
 * compiler do not (only refresh, a virtual method, takes it), so exactly those four messages are not errors.
 */
const FALSE_POSITIVE = /Method '(getCustomMetadataType|initiate|handleCallback|getUserInfo)' must use the 'override' keyword/;

function apexLsIssues(files: Array<{ path: string; content: string }>): string[] {
  const workspace = mkdtempSync(join(tmpdir(), 'apex-ls-'));
  try {
    writeFileSync(join(workspace, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' }));
    for (const file of files) {
      const target = join(workspace, 'force-app', file.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.content);
    }
    const engine = dirname(createRequire(import.meta.url).resolve('@salesforce/code-analyzer-pmd-engine/package.json'));
    const args = ['-cp', `${engine}/dist/java-lib/*`, 'io.github.apexdevtools.apexls.CheckForIssues', '-n', '-w', workspace];
    let output: string;
    try {
      output = execFileSync('java', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      // CheckForIssues exits non-zero when it finds issues; its report is still on stdout.
      output = (error as { stdout: string }).stdout;
    }
    return output
      .split('\n')
      .filter((line) => /^(Error|Missing|Warning):/.test(line))
      .filter((line) => !FALSE_POSITIVE.test(line));
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

describeWithJava('generated Apex: semantics (apex-ls)', () => {
  const classFiles = bundle.filter((f) => f.type === 'ApexClass');

  it('has no semantic errors besides the known override false positives', () => {
    expect(apexLsIssues(classFiles)).toEqual([]);
  });

  it("verify's anonymous Apex uses the plugin, the record's fields and the platform types correctly", () => {
    // apex-ls checks classes, so each block becomes the body of a method next to the bundle it runs against.
    const meta = bundle.find((f) => f.path.endsWith('.cls-meta.xml'))!.content;
    const wrapped = Object.entries(verifyApex).flatMap(([name, source]) => [
      { path: `main/default/classes/Verify_${name}.cls`, content: `public class Verify_${name} {\n    public static void run() {\n${source}\n    }\n}\n` },
      { path: `main/default/classes/Verify_${name}.cls-meta.xml`, content: meta },
    ]);
    const objects = bundle.filter((f) => f.type === 'CustomObject' || f.type === 'CustomField');
    expect(apexLsIssues([...classFiles, ...objects, ...wrapped])).toEqual([]);
    const broken = wrapped.map((f) => ({ ...f, content: f.content.replace('result.accessToken', 'result.accessTokn') }));
    expect(apexLsIssues([...classFiles, ...objects, ...broken]).join('\n')).toMatch(/accessTokn/);
  });

  it('reports a semantic error when there is one (the check can fail)', () => {
    const broken = classFiles.map((f) =>
      f.path.endsWith('Test.cls') ? { ...f, content: f.content.replace('Assert.isNull(response.state)', 'Assert.isNul(response.stat)') } : f
    );
    const issues = apexLsIssues(broken);
    expect(issues.join('\n')).toMatch(/isNul|stat/);
  });
});
