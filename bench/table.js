#!/usr/bin/env node
// Table benchmark: the cost of drawing a page of 50 clients (`client list`) in a fresh process,
// as the CLI draws it, before and after a change, against `node -e 0` in the same run.
//
//   npm run bench:table
//   BENCH_ROUNDS=40 BENCH_TABLE_BEFORE=<git ref> COLUMNS=80 npm run bench:table
//   BENCH_TABLE_CPU_PROF=<folder> npm run bench:table   (a V8 CPU profile of every render process)
//
// Each variant's output layer (src/output of the working tree, and of BENCH_TABLE_BEFORE, by
// default the commit before the table work) is bundled as the CLI's bundle is (esbuild, both with
// today's string-width plugin, so that only the output layer differs), then every round runs each variant and `node -e 0` in new processes,
// interleaved so that machine noise hits them alike. Like the CLI's bundle, each is loaded with a
// V8 code cache made after drawing a one-row table. A child times its own render (loading the
// bundle excluded) and the whole process is timed too.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const esbuild = require('esbuild');
const { stringWidthFastPath } = require('../scripts/build-bundle.js');

const ROOT = path.resolve(__dirname, '..');
const ROUNDS = Number.parseInt(process.env.BENCH_ROUNDS ?? '25', 10);
const BEFORE = process.env.BENCH_TABLE_BEFORE ?? '6c18fa638ce5096b2c7276cba5982e520df0c14e';
const COLUMNS = Number.parseInt(process.env.COLUMNS ?? '120', 10);
const ROWS = 50;

if (!Number.isInteger(ROUNDS) || ROUNDS < 1) {
  console.error(`BENCH_ROUNDS must be a positive whole number (got "${process.env.BENCH_ROUNDS}")`);
  process.exit(2);
}
if (!Number.isInteger(COLUMNS) || COLUMNS < 1) {
  console.error(`COLUMNS must be a positive whole number (got "${process.env.COLUMNS}")`);
  process.exit(2);
}

/** The child: loads the bundle, draws the page into a string, prints the milliseconds the render took. */
const CHILD = `
const { loadBundle } = require(${JSON.stringify(path.join(ROOT, 'bin', 'bundle-loader.js'))});
const warmUp = process.argv[4] === 'warm-up';
const bundle = loadBundle({ file: process.argv[2], produceCache: warmUp });
const { Output, tableView } = bundle.exports;
const columns = Number(process.argv[3]);
const rows = Array.from({ length: warmUp ? 1 : ${ROWS} }, (_, i) => ({
  id: 1201 + i,
  fullName: ['Kevin Casey', 'Zoë Lefèvre-Marchand', 'Amadou Diallo', 'Siobhán O\\'Connor-Whitfield'][i % 4] + ' ' + (i + 1),
  email: 'contact' + (i + 1) + '@' + ['coolstartup.io', 'lefevre-evenements.fr', 'diallo-events.sn', 'whitfield-weddings.co.uk'][i % 4],
  phone: ['+33 6 12 34 56 78', '+44 20 7946 0018', '+221 77 123 45 67', '+1 212 555 0147'][i % 4],
  companyName: ['Cool Startup LLC', 'Lefèvre Événements SARL', 'Diallo Events', 'Whitfield Weddings & Galas Ltd'][i % 4],
  salesContactName: ['Sam Sales', 'Béatrice Vendeuse'][i % 2],
}));
const view = tableView(rows, [
  { header: 'id', value: (c) => String(c.id), align: 'right' },
  { header: 'full name', value: (c) => c.fullName, flexible: true },
  { header: 'email', value: (c) => c.email, flexible: true },
  { header: 'phone', value: (c) => c.phone },
  { header: 'company', value: (c) => c.companyName, flexible: true },
  { header: 'sales contact', value: (c) => c.salesContactName, flexible: true },
], 'no clients match');
let text = '';
const stdout = { write: (s) => { text += s; return true; }, isTTY: true, columns };
const stderr = { write: () => true, isTTY: true };
// The warm-up draws a one-row table plain and in colour, as the CLI's build does before it stores its cache.
const modes = warmUp ? [false, true] : [process.argv[4] === 'colour'];
const started = process.hrtime.bigint();
for (const color of modes) new Output({ stdout, stderr }, { json: false, color }, { LANG: 'C.UTF-8', COLUMNS: String(columns) }).render({ json: rows, human: view });
const ms = Number(process.hrtime.bigint() - started) / 1e6;
if (warmUp) bundle.saveCache();
process.stdout.write(JSON.stringify({ ms, lines: text.split('\\n').length - 1, width: Math.max(...text.split('\\n').map((l) => [...l.replace(/\\x1b\\[[0-9;]*m/g, '')].length)) }));
`;

/** src/output of a git ref (or of the working tree), bundled as the CLI bundles it (esbuild plugins need its async API). */
async function bundle(ref, dir) {
  const source = path.join(dir, 'src');
  if (ref === 'working tree') {
    fs.cpSync(path.join(ROOT, 'src', 'output'), path.join(source, 'output'), { recursive: true });
  } else {
    const archive = execFileSync('git', ['-C', ROOT, 'archive', ref, 'src/output'], { maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
  }
  const entry = path.join(dir, 'entry.ts');
  fs.writeFileSync(entry, `export { Output } from './src/output/output';\nexport { tableView } from './src/output/view';\n`);
  await esbuild.build({
    entryPoints: [entry],
    outfile: path.join(dir, 'output.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    nodePaths: [path.join(ROOT, 'node_modules')],
    plugins: [stringWidthFastPath],
    minifyWhitespace: true,
    logLevel: 'error',
  });
  return path.join(dir, 'output.js');
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function timed(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { PATH: process.env.PATH } });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return { wall, report: result.stdout ? JSON.parse(result.stdout) : undefined };
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'epicevents-bench-table-'));
  try {
    const variants = [];
    for (const [name, ref] of [[`before (${BEFORE.slice(0, 7)})`, BEFORE], ['after (working tree)', 'working tree']]) {
      const dir = fs.mkdtempSync(path.join(work, 'v-'));
      try {
        const file = await bundle(ref, dir);
        for (const mode of ['plain', 'colour']) variants.push({ name: `${name}, ${mode}`, file, mode, render: [], wall: [] });
      } catch (error) {
        console.error(`skipping ${name}: ${String(error.message).split('\n')[0]}`);
      }
    }
    const child = path.join(work, 'child.js');
    fs.writeFileSync(child, CHILD);
    for (const file of new Set(variants.map((v) => v.file))) timed([child, file, String(COLUMNS), 'warm-up']);
    const baseline = [];
    for (let round = 0; round < ROUNDS; round++) {
      baseline.push(timed(['-e', '0']).wall);
      for (const variant of variants) {
        const profile = process.env.BENCH_TABLE_CPU_PROF ? ['--cpu-prof', '--cpu-prof-interval=50', `--cpu-prof-dir=${path.resolve(process.env.BENCH_TABLE_CPU_PROF, variant.name.replace(/\W+/g, '-'))}`] : [];
        const { wall, report } = timed([...profile, child, variant.file, String(COLUMNS), variant.mode]);
        variant.wall.push(wall);
        variant.render.push(report.ms);
        variant.shape = report;
      }
    }
    const node = median(baseline);
    console.log(`Drawing ${ROWS} clients at ${COLUMNS} columns in a fresh process: Node ${process.version}, ${os.cpus().length} CPUs, medians of ${ROUNDS} interleaved rounds, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}.\n`);
    console.log('| output layer | render ms | render × `node -e 0` | whole process ms | lines | widest line |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    console.log(`| \`node -e 0\` (whole process) | | 1.00 | ${node.toFixed(0)} | | |`);
    for (const v of variants) {
      const render = median(v.render);
      console.log(`| ${v.name} | ${render.toFixed(1)} | ${(render / node).toFixed(2)} | ${median(v.wall).toFixed(0)} | ${v.shape.lines} | ${v.shape.width} |`);
    }
    for (const mode of ['plain', 'colour']) {
      const [before, after] = variants.filter((v) => v.mode === mode);
      if (before && after) console.log(`\n${mode}: render after / before ${(median(after.render) / median(before.render)).toFixed(2)}`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error.stack ?? String(error));
  process.exit(1);
});
