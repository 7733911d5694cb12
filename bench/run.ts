/**
 * npm run bench: startup, rendering, deploy overhead, the commands through the real sf CLI against sf's own
 * (bench/sf.ts) and footprint, each figure the median of several runs and set against its baseline measured in the
 * same run. Prints a table and writes bench/results.json.
 * Everything runs under a private HOME, so your sf logins and logs are untouched.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable } from '../lib/ux/table.js';
import { LONG_RUNS, ROOT, round, RUNS } from './measure.js';
import { measureStartup } from './startup.js';
import { measureFootprint } from './footprint.js';

const home = mkdtempSync(join(tmpdir(), 'aap-bench-home-'));
process.env.HOME = home;
process.env.SF_DISABLE_TELEMETRY = 'true';
// @salesforce/core warns once per emulator login that it speaks plain http (on 127.0.0.1, as intended).
process.removeAllListeners('warning');
// Loaded only now: @salesforce/core (under the emulator's login helper and lib/) reads HOME once, when loaded.
const { measureRender } = await import('./render.js');
const { measureDeploy } = await import('./deploy.js');
type ClientResult = import('./deploy.js').ClientResult;
type ScenarioResult = import('./deploy.js').ScenarioResult;
const { measureSfDeploy, measureSfGenerate, setUpSf } = await import('./sf.js');
type SfDeployScenario = import('./sf.js').SfDeployScenario;

const TARGETS = { generate: 1.3, renderOneMs: 20, deploy: 1.15, noticeMs: 250, sfGenerateCpu: 1.1, sfDeployWall: 1.0 };
const LATENCY_MS = 50;
/** Server-side deploy durations: one fast (how soon is a finished deploy noticed?), a short and a typical one. */
const DEPLOY_MS = [200, 2000, 10000];
const FAST_DEPLOY_MS = 200;
/** Through the real sf CLI: a short, a typical and a long deploy (the long one LONG_RUNS times, a minute each run). */
const SF_DEPLOY_MS = [2000, 10000, 60000];
const LONG_DEPLOY_MS = 60000;

type Row = { group: string; measure: string; value: string; baseline: string; ratio: string; target: string };

const log = (text: string): void => void process.stderr.write(`${text}\n`);

try {
  log(`Startup: ${RUNS} rounds of node -e 0, the framework floor, generate --help and generate...`);
  const startup = await measureStartup(RUNS);
  log('Rendering...');
  const render = await measureRender(RUNS);
  log(`Deploys against the emulator (${LATENCY_MS} ms per response): ${RUNS} rounds of ours, the minimal client and both floors per scenario...`);
  const scenarios: ScenarioResult[] = [];
  for (const deployMs of DEPLOY_MS) scenarios.push(await measureDeploy({ name: `deploy${deployMs}`, latencyMs: LATENCY_MS, deployMs }, RUNS));
  log('sf CLI: packing the plugin and installing it into the pinned sf...');
  const cli = await setUpSf();
  let sfVersion: string;
  let sfGenerate: Awaited<ReturnType<typeof measureSfGenerate>>;
  const sfDeploys: SfDeployScenario[] = [];
  try {
    sfVersion = (await cli.sf.run(['--version'])).stdout.trim().split(' ')[0];
    log(`sf CLI (${sfVersion}): ${RUNS} paired rounds of sf azure-authprovider generate and sf apex generate class...`);
    sfGenerate = await measureSfGenerate(cli, RUNS);
    for (const [index, deployMs] of SF_DEPLOY_MS.entries()) {
      const runs = deployMs >= LONG_DEPLOY_MS ? LONG_RUNS : RUNS;
      log(`sf CLI: ${runs} paired rounds of sf azure-authprovider deploy and sf project deploy start, ${deployMs / 1000} s deploys...`);
      // The first scenario warms up sf's caches for all; a warm-up round of the long one would cost two minutes.
      sfDeploys.push(await measureSfDeploy(cli, { latencyMs: LATENCY_MS, deployMs }, runs, index === 0));
    }
  } finally {
    cli.stop();
  }
  log('Footprint...');
  const footprint = measureFootprint();

  const floor = startup.frameworkFloor.medianMs;
  const bare = startup.nodeBare.medianMs;
  const ms = (value: number): string => `${Math.round(value)} ms`;
  const x = (value: number): string => `${value.toFixed(2)}x`;
  const target = (met: boolean, text: string): string => `${text} ${met ? '(met)' : '(MISSED)'}`;
  const calls = (client: ClientResult): string =>
    `${client.requests}: ${Object.entries(client.byOperation).map(([operation, count]) => `${operation} ${count}`).join(', ')}`;
  const row = (group: string, measure: string, value: string, baseline = '', ratio = '', goal = ''): Row => ({ group, measure, value, baseline, ratio, target: goal });
  const scenarioRows = (scenario: ScenarioResult): Row[] => {
    const label = `deploy of ${scenario.deployMs / 1000} s`;
    const { ours, minimal, floors } = scenario;
    const fast = scenario.deployMs <= FAST_DEPLOY_MS;
    return [
      row('Deploy', `${label}: end to end`, ms(ours.medianMs), `minimal client ${ms(minimal.medianMs)}`, x(scenario.ratio)),
      row(
        '',
        `${label}: net of start-up floors (sf ${ms(floors.frameworkMs)}, jsforce ${ms(floors.jsforceMs)})`,
        ms(ours.medianMs - floors.frameworkMs),
        ms(minimal.medianMs - floors.jsforceMs),
        x(scenario.netRatio),
        fast ? '' : target(scenario.netRatio <= TARGETS.deploy, `<= ${TARGETS.deploy}x`)
      ),
      row('', `${label}: HTTP requests`, calls(ours), calls(minimal)),
      row('', `${label}: finished -> noticed`, ms(ours.noticeMs), ms(minimal.noticeMs), '', fast ? target(ours.noticeMs <= TARGETS.noticeMs, `<= ${TARGETS.noticeMs} ms`) : ''),
      row('', `${label}: last answer -> exit`, ms(ours.phases.exit), ms(minimal.phases.exit)),
    ];
  };
  const mb = (value: number): string => `${Math.round(value)} MB`;
  const sfRows = (scenario: SfDeployScenario): Row[] => {
    const label = `deploy of ${scenario.deployMs / 1000} s${scenario.runs === RUNS ? '' : ` (${scenario.runs} run${scenario.runs === 1 ? '' : 's'})`}`;
    const { ours, sf } = scenario;
    const sfLabel = (text: string): string => `sf project deploy start ${text}`;
    return [
      row('sf CLI', `${label}: wall`, ms(ours.usage.wallMs), sfLabel(ms(sf.usage.wallMs)), x(scenario.wallRatio), target(scenario.wallRatio <= TARGETS.sfDeployWall, `<= ${TARGETS.sfDeployWall.toFixed(1)}x`)),
      row('', `${label}: CPU (user + sys)`, ms(ours.usage.cpuMs), ms(sf.usage.cpuMs), x(scenario.cpuRatio)),
      row('', `${label}: peak RSS`, mb(ours.usage.maxRssMb), mb(sf.usage.maxRssMb), x(scenario.rssRatio)),
      row('', `${label}: status requests (checkDeployStatus)`, String(ours.polls), String(sf.polls), x(ours.polls / sf.polls), target(ours.polls <= sf.polls, "<= sf's")),
      row('', `${label}: HTTP requests`, calls(ours), calls(sf)),
      row('', `${label}: finished -> noticed`, ms(ours.noticeMs), ms(sf.noticeMs), '', target(ours.noticeMs <= sf.noticeMs, "<= sf's")),
    ];
  };
  const rows: Row[] = [
    row('Startup', 'node -e 0', ms(bare)),
    row('', "framework floor: import('@salesforce/sf-plugins-core')", ms(floor), 'node -e 0', x(floor / bare)),
    row('', 'generate --help', ms(startup.generateHelp.medianMs), `floor (node -e 0: ${x(startup.generateHelp.medianMs / bare)})`, x(startup.generateHelp.medianMs / floor)),
    row(
      '',
      'generate (writes 18 files)',
      ms(startup.generate.medianMs),
      `floor (node -e 0: ${x(startup.generate.medianMs / bare)})`,
      x(startup.generate.medianMs / floor),
      target(startup.generate.medianMs / floor <= TARGETS.generate, `<= ${TARGETS.generate}x floor`)
    ),
    row('Render', 'one provider, first render of the process', `${render.oneProviderColdMs.toFixed(1)} ms`),
    row('', 'one provider (18 files)', `${render.oneProviderMs.toFixed(2)} ms`, '', '', target(render.oneProviderMs < TARGETS.renderOneMs, `< ${TARGETS.renderOneMs} ms`)),
    row('', `100 providers (${render.filesPerHundred} files)`, `${render.hundredProvidersMs.toFixed(1)} ms`),
    ...scenarios.flatMap(scenarioRows),
    row('sf CLI', 'sf azure-authprovider generate: wall', ms(sfGenerate.ours.wallMs), `sf apex generate class ${ms(sfGenerate.sf.wallMs)}`, x(sfGenerate.wallRatio)),
    row(
      '',
      'sf azure-authprovider generate: CPU (user + sys)',
      ms(sfGenerate.ours.cpuMs),
      ms(sfGenerate.sf.cpuMs),
      x(sfGenerate.cpuRatio),
      target(sfGenerate.cpuRatio <= TARGETS.sfGenerateCpu, `<= ${TARGETS.sfGenerateCpu}x`)
    ),
    row('', 'sf azure-authprovider generate: peak RSS', mb(sfGenerate.ours.maxRssMb), mb(sfGenerate.sf.maxRssMb), x(sfGenerate.rssRatio)),
    ...sfDeploys.flatMap(sfRows),
    row('Footprint', 'production dependencies (npm ls --omit=dev)', `${footprint.packages} packages`),
    row('', 'their size on disk', `${footprint.megabytes} MB`, `largest: ${footprint.largest.slice(0, 3).map((dep) => `${dep.name} ${dep.megabytes} MB`).join(', ')}`),
  ];

  process.stdout.write(
    formatTable({
      title: `npm run bench: medians of ${RUNS} runs, ${LONG_RUNS} of the ${LONG_DEPLOY_MS / 1000} s deploys (node ${process.version}, ${sfVersion}, ${cpus().length} CPUs); deploys against the emulator, ${LATENCY_MS} ms per response`,
      data: rows,
      columns: [
        { key: 'group', name: 'Group' },
        { key: 'measure', name: 'Measure' },
        { key: 'value', name: 'Median' },
        { key: 'baseline', name: 'Baseline' },
        { key: 'ratio', name: 'Ratio' },
        { key: 'target', name: 'Target' },
      ],
    })
  );
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    runs: RUNS,
    longRuns: LONG_RUNS,
    sfCli: sfVersion,
    targets: TARGETS,
    startup: { ...startup, generateToFloor: startup.generate.medianMs / floor, generateHelpToFloor: startup.generateHelp.medianMs / floor, generateToNodeBare: startup.generate.medianMs / bare },
    render,
    deploy: scenarios,
    sf: { generate: sfGenerate, deploy: sfDeploys },
    footprint,
  };
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, (_, value: unknown) => (typeof value === 'number' ? round(value, 3) : value), 2)}\n`);
  log('Wrote bench/results.json');
} finally {
  rmSync(home, { recursive: true, force: true });
}
