/**
 * The run report's "why" sections on a small run with every fault: fault lanes and bands labelled in the
 * scenario's units, depth over time with subscription changes, nodes ordered by trouble, duplicates by cause,
 * violation anchors; legible text (at least 11 px, never scaled down), tooltips on marks, clearly different depth
 * colours; and result.json's diagnosis checked field by field.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readReportInput } from '../src/cli/report.js';
import { runReportHtml } from '../src/report/html.js';
import type { DiagnosisResult } from '../src/report/diagnosis-result.js';
import { buildResult, configHash, type ResultJson } from '../src/report/result.js';
import { DEPTH_COLOURS, FONT, depthColour } from '../src/report/spec-kit.js';
import { nodeTrouble } from '../src/report/trouble.js';
import { loadScenario } from '../src/scenario/loader.js';
import { withMutant } from '../src/scenario/mutants.js';
import { runScenario } from '../src/scenario/runner.js';
import { usageError } from './helpers/process.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TMP = mkdtempSync(join(tmpdir(), 'pullsim-why-'));

function runFile(file: string, mutant?: string): ResultJson {
  const loaded = loadScenario(file);
  const s = mutant ? withMutant(loaded.scenario, mutant) : loaded.scenario;
  return buildResult(runScenario(s, loaded.topology, { seed: 1 }), file, configHash(s, loaded.topology));
}

function run(name: string, body: Record<string, unknown>): ResultJson {
  const file = join(TMP, `${name}.json`);
  writeFileSync(file, JSON.stringify({ pullsim: 1, name, ...body }));
  return runFile(file);
}

/** 16 nodes, chunks throughout, churn, a latency spike, a throttled node, a partition and a heal. */
const faulty = run('faulty', {
  topology: { snapshot: join(ROOT, 'snapshots/generated-16.json') },
  links: { latency: { uniform: ['5ms', '40ms'] }, bandwidth: '10MB/s' },
  events: [
    { at: '0s', upload: { node: 'random', chunks: 40 } },
    { at: '1s', churn: { rate: '1/s', downtime: ['1s', '2s'], until: '6s' } },
    { at: '2s', links: { latency: '300ms', for: '2s' } },
    { at: '2500ms', links: { node: 3, bandwidth: '200KB/s' } },
    { at: '3s', partition: { halves: true } },
    { at: '5s', upload: { node: 'random', chunks: 20 } },
    { at: '7s', heal: {} },
  ],
  expect: { maxDuplicates: 100000 },
});
const page = await runReportHtml(faulty);
const svgs = (html: string) => [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);

test('the page has the sections that say why: faults, convergence, depth over time, subscriptions, nodes by trouble, duplicates by cause', () => {
  for (const id of ['faults', 'convergence', 'depth-strip', 'depth-groups', 'subscriptions', 'nodes', 'duplicate-causes', 'violations']) assert.ok(page.includes(`id="${id}"`), id);
  assert.ok(!page.includes('id="first-duplicates"'), 'the first-20 list is replaced by duplicates by cause');
});

test('faults are labelled in the scenario\'s units, never in raw micros or bytes per second', () => {
  for (const label of ['all links: latency 300ms for 2s', "node 3's links: bandwidth 200KB/s", 'partition: address halves', 'churn 1/s, down 1s–2s']) {
    assert.ok(page.includes(label.replace(/'/g, '&#39;')) || page.includes(label), label);
  }
  // (the configuration block at the top is the resolved JSON, in micros and bytes per second, as result.json has it)
  const shown = page.replace(/<details><summary>configuration<\/summary>[\s\S]*?<\/details>/, '');
  for (const raw of ['300000', 'bandwidth=200000', 'constant']) assert.not.ok(shown.includes(raw), raw);
  const downs = faulty.diagnosis!.faults.windows.filter((w) => w.kind === 'down');
  assert.ok(downs.length >= 2, `${downs.length} churn stops`);
  const lanes = new Set(downs.map((w) => w.nodes![0]));
  for (const n of lanes) assert.ok(page.includes(`>node ${n}</text>`), `one lane for node ${n}`);
});

test('the caption of the convergence chart explains the steps by the server\'s batch timeout', () => {
  assert.match(page, /steps about 2s apart: a server offers a batch once it has 64 hashes or 2s after the last hash it collected \(the server&#39;s idle batch timeout\)|steps about 2s apart: a server offers a batch once it has 64 hashes or 2s after the last hash it collected \(the server's idle batch timeout\)/);
});

test('every chart\'s text is at least 11 px, and charts are shown at the size they are drawn (never scaled down)', () => {
  const pics = svgs(page);
  assert.ok(pics.length >= 14, `${pics.length} SVGs`);
  for (const svg of pics) {
    const sizes = [...svg.matchAll(/font-size="([\d.]+)px"/g)].map((m) => Number(m[1]));
    assert.ok(sizes.length > 0, 'text in every chart');
    assert.ok(Math.min(...sizes) >= FONT, `a ${Math.min(...sizes)} px text`);
    const [, w, h, vw, vh] = /^<svg[^>]* width="(\d+)" height="(\d+)" viewBox="0 0 (\d+) (\d+)"/.exec(svg) ?? [];
    assert.ok(w !== undefined && w === vw && h === vh, 'drawn at its own size: width and height are the viewBox\'s');
  }
  const css = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
  assert.match(css, /\.chart svg\{display:block;max-width:none\}/, 'no max-width:100% shrinking a chart to its column');
  assert.match(css, /\.chart\{overflow-x:auto/, 'a chart wider than its box scrolls instead');
  assert.not.match(css, /svg\{[^}]*width:100%/);
});

test('marks carry SVG <title> tooltips', () => {
  for (const svg of svgs(page)) assert.ok(/<title>[^<]+<\/title>/.test(svg), `an SVG without a tooltip: ${svg.slice(0, 120)}`);
  assert.match(page, /<title>all links: latency 300ms for 2s: 2s → 4s<\/title>/);
  assert.not.match(page, / aria-label="[^"]*" role="graphics-symbol"/, 'every mark description became a title');
});

test('adjacent depths get clearly different colours', () => {
  const rgb = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  for (let d = 0; d < 16; d++) {
    const [a, b] = [rgb(depthColour(d)), rgb(depthColour(d + 1))];
    const dist = Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
    assert.ok(dist > 80, `depth ${d} ${depthColour(d)} and ${d + 1} ${depthColour(d + 1)}: ${dist.toFixed(0)} apart`);
  }
  assert.is(new Set(DEPTH_COLOURS).size, DEPTH_COLOURS.length);
});

test('nodes are ordered by trouble, and duplicates are all explained by cause and sender pair', () => {
  const d = faulty.diagnosis!;
  const dups = d.duplicates!;
  const explained = Object.values(dups.causes).reduce((a, b) => a + b, 0);
  assert.ok(faulty.metrics.duplicates > 0);
  assert.is(explained, faulty.metrics.duplicates, 'every duplicate the checker counted has a cause');
  assert.ok(dups.pairs.length > 0 && dups.examples.length > 0);
  const nodes = /<section id="nodes"[\s\S]*?<\/section>/.exec(page)![0];
  const order = [...nodes.matchAll(/<tr id="node-(\d+)">/g)].map((m) => Number(m[1]));
  assert.ok(order.length > 0);
  const trouble = new Map(nodeTrouble(faulty).map((t) => [t.index, t]));
  const key = (i: number) => {
    const t = trouble.get(i)!;
    return [t.violations, t.missing, t.drops, t.depthChanges + t.downs, t.duplicates];
  };
  for (let k = 1; k < order.length; k++) {
    const [a, b] = [key(order[k - 1]!), key(order[k]!)];
    const first = a.findIndex((x, j) => x !== b[j]);
    assert.ok(first < 0 || a[first]! > b[first]!, `node ${order[k - 1]} (${a}) before node ${order[k]} (${b})`);
  }
  assert.ok(key(order[0]!)[3]! > 0, 'with no violations, missing pairs or drops, a node whose depth changed or that went down comes first');
});

test('violations have stable anchors, and the node table links a node to its first', async () => {
  const r = runFile(join(ROOT, 'scenarios/mutants/leaf-oscillation.json'), '1952');
  assert.ok(r.violations.length > 0, 'the mutant run fails');
  const html = await runReportHtml(r);
  assert.ok(html.includes('<tr id="violation-0">'), 'the first violation\'s row is #violation-0');
  const v = r.violations.find((x) => x.nodeIndex !== undefined && x.kind !== 'duplicate')!;
  assert.ok(html.includes(`href="#violation-${r.violations.indexOf(v)}"`), 'the node table links to it');
});

test('result.json\'s diagnosis is checked field by field; an older file without one still makes a page', async () => {
  const dir = join(TMP, 'bad');
  mkdirSync(dir, { recursive: true });
  const broken = (path: string, edit: (d: DiagnosisResult) => void) => {
    const r = JSON.parse(JSON.stringify(faulty)) as ResultJson & { diagnosis: DiagnosisResult };
    edit(r.diagnosis);
    writeFileSync(join(dir, 'result.json'), JSON.stringify(r));
    const e = usageError(() => readReportInput(dir));
    assert.is(e.path, path);
    assert.not.ok(e.message.includes('\n'), 'one line');
  };
  const wrong = <T>(v: unknown) => v as T;
  broken('$.diagnosis.faults.windows[0].kind', (d) => (d.faults.windows[0]!.kind = wrong('storm')));
  broken('$.diagnosis.faults.windows[0].to', (d) => (d.faults.windows[0]!.to = wrong('2s')));
  broken('$.diagnosis.depth.nodes', (d) => d.depth.nodes.pop());
  broken('$.diagnosis.depth.nodes[2]', (d) => d.depth.nodes[2]!.push(5));
  broken('$.diagnosis.subscriptions.changes[0].node', (d) => (d.subscriptions!.changes[0]!.node = 99));
  broken('$.diagnosis.duplicates.causes.race', (d) => (d.duplicates!.causes.race = wrong(undefined)));
  broken('$.diagnosis.duplicates.examples[0].first.at', (d) => (d.duplicates!.examples[0]!.first.at = wrong(null)));
  broken('$.diagnosis.drops.byNode', (d) => (d.drops.byNode = [1, 2]));
  broken('$.diagnosis.duplicateSenders[0][1]', (d) => (d.duplicateSenders[0]![1] = -1));
  const old = JSON.parse(JSON.stringify(faulty)) as ResultJson;
  delete old.diagnosis;
  writeFileSync(join(dir, 'result.json'), JSON.stringify(old));
  const read = readReportInput(dir);
  assert.is(read.kind, 'run');
  const html = await runReportHtml(old);
  assert.ok(html.includes('has no diagnosis') && html.includes('id="first-duplicates"'));
});

test('the page stays a few hundred KB', () => {
  assert.ok(page.length < 500_000, `${page.length} bytes`);
});

test.after(() => rmSync(TMP, { recursive: true, force: true }));

test.run();
