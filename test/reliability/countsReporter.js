/**
 * Jest reporter: gives the reliability suites a directory to record their counts in (see counts.ts), and prints the
 * totals when the run ends. It is plain JavaScript because jest loads reporters without transforming them.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const KEYS = ['tried', 'refused', 'roundTripped', 'propertyRuns', 'faultsSurvived', 'scanned', 'leaks'];

export default class CountsReporter {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'aap-reliability-'));
    // Workers start after reporters exist, so they inherit this.
    process.env.AAP_RELIABILITY_DIR = this.dir;
  }

  onRunComplete() {
    const totals = Object.fromEntries(KEYS.map((key) => [key, 0]));
    let records = 0;
    for (const file of readdirSync(this.dir)) {
      for (const line of readFileSync(join(this.dir, file), 'utf8').split('\n').filter(Boolean)) {
        const counts = JSON.parse(line);
        for (const key of KEYS) totals[key] += counts[key] ?? 0;
        records += 1;
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
    if (records === 0) return;
    process.stdout.write(
      [
        '',
        'Reliability counts',
        `  hostile inputs tried:       ${totals.tried}`,
        `    refused correctly:        ${totals.refused}`,
        `    round-tripped:            ${totals.roundTripped}`,
        `  property-based cases:       ${totals.propertyRuns}`,
        `  faults survived:            ${totals.faultsSurvived}`,
        `  outputs and files scanned:  ${totals.scanned}`,
        `  leaks found:                ${totals.leaks}${totals.leaks === 0 ? '' : '  <- must be 0'}`,
        '',
      ].join('\n')
    );
  }
}
