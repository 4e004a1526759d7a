#!/usr/bin/env node
// Progress summary of the differential suite: runs test/diff/differential.test.ts with
// DIFF_REPORT_FILE set and prints, per case file, how many statements match PostgreSQL.
// Usage: node test/diff/report.mjs [case-regex] [--verbose]   (run `npm run build` first)
// --verbose also prints each mismatch (first diff line); the full text is in vitest's output.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const filter = args.find((a) => !a.startsWith('--'));
const dir = mkdtempSync(join(tmpdir(), 'shoal-diff-'));
const reportFile = join(dir, 'report.json');

const env = { ...process.env, DIFF_REPORT_FILE: reportFile };
if (filter !== undefined) env.DIFF_CASES = filter;
const run = spawnSync('npx', ['vitest', 'run', 'test/diff/differential.test.ts', '--reporter=dot'], {
  cwd: root,
  env,
  encoding: 'utf8',
  maxBuffer: 256 * 1024 * 1024,
});

let report;
try {
  report = JSON.parse(readFileSync(reportFile, 'utf8'));
} catch {
  process.stdout.write(run.stdout + run.stderr);
  console.error('no report written: the suite did not get to run (see output above)');
  process.exit(2);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (report.nodeStartError) console.log(`Shoal node did not start:\n${report.nodeStartError.split('\n').slice(0, 15).join('\n')}\n`);
const results = report.results.sort((a, b) => a.file.localeCompare(b.file));
const width = Math.max(...results.map((r) => r.file.length), 10);
let total = 0;
let matched = 0;
let full = 0;
console.log(`${'case'.padEnd(width)}  match/total      %  notes`);
for (const r of results) {
  total += r.total;
  matched += r.matched;
  if (r.matched === r.total && r.scriptBugs.length === 0) full++;
  const pct = r.total === 0 ? 0 : (100 * r.matched) / r.total;
  const notes = [];
  if (r.setupError) notes.push(`setup: ${r.setupError.slice(0, 80)}`);
  if (r.scriptBugs.length > 0) notes.push(`${r.scriptBugs.length} script bug(s)`);
  console.log(`${r.file.padEnd(width)}  ${String(r.matched).padStart(5)}/${String(r.total).padEnd(5)}  ${pct.toFixed(0).padStart(5)}%  ${notes.join('; ')}`);
  if (verbose) {
    for (const m of r.mismatches) {
      const sql = m.sql.replace(/\s+/g, ' ').slice(0, 100);
      console.log(`    :${m.line} [${m.protocol}] ${sql}`);
      for (const d of m.diffs.slice(0, 3)) console.log(`        ${d.slice(0, 240)}`);
    }
  }
}
const pct = total === 0 ? 0 : (100 * matched) / total;
console.log(`${'TOTAL'.padEnd(width)}  ${String(matched).padStart(5)}/${String(total).padEnd(5)}  ${pct.toFixed(0).padStart(5)}%  ${full}/${results.length} cases fully match`);

/** A mismatch's rough cause, so the same engine gap across cases counts once per statement. */
function causeOf(m) {
  const first = m.diffs[0] ?? '';
  const shoalErr = /^shoal: ERROR (\w{5}): (.*)$/.exec(first);
  if (shoalErr) return `shoal fails ${shoalErr[1]}: ${shoalErr[2].replace(/"[^"]*"/g, '"…"').slice(0, 90)}`;
  if (first.startsWith('shoal: client failure') && first.includes('timed out')) return 'shoal timed out (statement hangs or spins)';
  if (first.startsWith('shoal: client failure')) return 'shoal connection broke';
  if (first.includes('not run: Shoal stopped answering')) return 'statements not run: Shoal stopped answering';
  if (first.startsWith('shoal: ')) return 'shoal succeeds where postgres fails';
  if (first.startsWith('sqlstate:')) return first.replace(/^sqlstate: /, 'sqlstate differs: ');
  if (first.startsWith('message:')) return 'error message text differs';
  if (first.startsWith('columns:')) return 'column names or type OIDs differ';
  if (first.startsWith('tag:')) return 'command tag / row count differs';
  if (first.startsWith('rows:')) return 'row values differ';
  return first.slice(0, 90);
}

const causes = new Map();
for (const r of results) for (const m of r.mismatches) causes.set(causeOf(m), (causes.get(causeOf(m)) ?? 0) + 1);
const top = [...causes.entries()].sort((a, b) => b[1] - a[1]).slice(0, verbose ? 200 : 25);
if (top.length > 0) {
  console.log('\nmismatches by first difference (cascades included):');
  for (const [cause, n] of top) console.log(`${String(n).padStart(5)}  ${cause}`);
}
