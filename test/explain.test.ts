import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Story } from '../src/report/story.js';
import { runInProcess } from './helpers/in-process.js';
import { ROOT } from './helpers/process.js';

// `pullsim explain` on mutant runs whose violations have a known cause: it must name the chunk, the nodes and the
// messages that led to each, tell the same story from a trace as from a re-run, and give the same bytes twice.

const TMP = mkdtempSync(join(tmpdir(), 'pullsim-explain-'));
const cli = (...args: string[]) => runInProcess(args, TMP);
const scenario = (f: string) => join(ROOT, 'scenarios', f);

interface Explained {
  story: Story;
  stderr: string[];
  result: { violations: { kind: string; nodeIndex?: number; chunk?: string }[] };
}

/** Runs a scenario into a folder of TMP (exit 1: the mutant is caught) and explains violation 0 as JSON, once per folder. */
const done = new Map<string, Promise<Explained>>();
function explained(name: string, file: string, mutant: string, ...more: string[]): Promise<Explained> {
  if (!done.has(name)) {
    done.set(name, (async () => {
      const run = await cli('run', scenario(file), '--mutant', mutant, '--out', name);
      assert.is(run.code, 1, run.stderr.join('\n'));
      const r = await cli('explain', name, '--json', ...more);
      assert.is(r.code, 0, r.stderr.join('\n'));
      return { story: JSON.parse(r.stdout.join('\n')) as Story, stderr: r.stderr, result: JSON.parse(readFileSync(join(TMP, name, 'result.json'), 'utf8')) };
    })());
  }
  return done.get(name)!;
}
const race = () => explained('race', 'mutants/offer-race.json', 'race', '--out', 'story.svg');

const stepsOf = (s: Story, what: string) => s.steps.filter((x) => x.what === what);

test('an exclusion (mutant 1952): the GetRange, the derived quit of its bin, then the offer, want and delivery of the chunk and its store', async () => {
  const { story, result } = await explained('x1952', 'mutants/leaf-oscillation.json', '1952');
  const v = result.violations[0]!;
  assert.equal([story.violation.kind, story.violation.nodeIndex, story.violation.chunk], ['exclusion', v.nodeIndex, v.chunk]);
  assert.equal(story.lanes, [0, 2]);
  const quit = stepsOf(story, 'quit')[0]!;
  assert.ok(quit.from === 0 && quit.peer === 2 && quit.key, JSON.stringify(quit));
  const range = stepsOf(story, 'GetRange')[0]!;
  const [offer, want, delivery] = ['OfferedHashes', 'WantedHashes', 'ChunkDelivery'].map((w) => stepsOf(story, w)[0]!);
  assert.equal([offer!.chunk, want!.chunk, delivery!.chunk], ['offered', 'wanted', 'delivered']);
  assert.ok(range.at < quit.at && quit.at < offer!.at && offer!.at < want!.at && want!.at < delivery!.at, 'request, quit, offer, want, delivery in that order');
  assert.ok([range, offer, want, delivery].every((m) => m!.ruid === range.ruid && m!.stream === range.stream), 'one exchange of one stream');
  assert.is(stepsOf(story, 'store').at(-1)!.at, delivery!.arrives);
  assert.match(story.violation.why[0]!, new RegExp(`node 0 quit ${range.stream!.replace('|', '\\|')} of node 2 at `));
});

test('a duplicate (the race): both copies offered by two peers, both wanted before the first arrived, the cause named', async () => {
  const { story, result } = await race();
  const v = result.violations[0]!;
  assert.equal([story.violation.kind, story.lanes[0], story.violation.chunk], ['duplicate', v.nodeIndex, v.chunk]);
  const deliveries = stepsOf(story, 'ChunkDelivery').filter((d) => d.chunk === 'delivered');
  assert.is(deliveries.length, 2);
  const [a, b] = deliveries.map((d) => d.from!);
  assert.ok(a !== b && story.lanes.includes(a!) && story.lanes.includes(b!), `copies from ${a} and ${b}`);
  const wants = stepsOf(story, 'WantedHashes').filter((w) => w.chunk === 'wanted' && w.key);
  assert.equal(wants.map((w) => w.to).sort(), [a, b].sort());
  const firstArrival = Math.min(...deliveries.map((d) => d.arrives!));
  assert.ok(wants.every((w) => w.at < firstArrival), 'both wants went out before the first copy arrived');
  assert.match(story.violation.why[0]!, /^race \(PROTOCOL\.md §7\): node \d+ and node \d+ both offered the chunk/);
  assert.is(story.steps.at(-1)!.what, 'duplicate');
});

test('a missing pair (latent defect L1): the holder offered the chunk while unwanted; the later history request was never answered after an empty offer', async () => {
  const { story, result } = await explained('l1', 'mutants/window-removal.json', 'L1');
  const v = result.violations[0]!;
  assert.equal([story.violation.kind, story.violation.nodeIndex, story.violation.chunk], ['missing', v.nodeIndex, v.chunk]);
  assert.equal(story.lanes, [0, 2]);
  assert.ok(stepsOf(story, 'upload')[0]!.from === 2, 'the chunk was uploaded at the holder');
  const why = story.violation.why.join(' ');
  assert.match(why, /node 2 held the chunk \(bin 0\) while connected to node 0/);
  assert.match(why, /node 0 did not want it \(it had quit bin 0 of node 2 at 8\.000s\)/);
  assert.match(why, /\[24, 27\] \(GetRange, ruid \d+, 12\.040s\) was never answered/);
  assert.match(why, /was answered at 5\.140s with no hashes/);
  const unanswered = story.steps.find((x) => x.what === 'GetRange' && x.label.endsWith('never answered'));
  assert.ok(unanswered && unanswered.at === 12_040_000, 'the unanswered request is marked in the diagram');
});

test('--json is {"violation", "lanes", "steps"}: steps in time order, each with at, from, to, what, text and label', async () => {
  const { story } = await race();
  assert.equal(Object.keys(story), ['violation', 'lanes', 'steps']);
  for (const s of story.steps) {
    assert.equal(Object.keys(s).slice(0, 6), ['at', 'from', 'to', 'what', 'text', 'label']);
    assert.ok(Number.isInteger(s.at) && (s.from === null || story.lanes.includes(s.from) || s.what === 'store'), JSON.stringify(s));
  }
  assert.ok(story.steps.every((s, i) => i === 0 || s.at >= story.steps[i - 1]!.at), 'in time order');
});

test('explain reads the run folder\'s trace when there is one, and tells the very story a re-run tells without it', async () => {
  const run = await cli('run', scenario('mutants/leaf-oscillation.json'), '--mutant', '2107', '--out', 'traced', '--trace');
  assert.is(run.code, 1);
  const fromTrace = await cli('explain', 'traced', '--violation', '2', '--json');
  const note = await cli('explain', 'traced', '--violation', '2');
  assert.match(note.stdout.join('\n'), /from traced\/trace\.jsonl/);
  unlinkSync(join(TMP, 'traced', 'trace.jsonl'));
  const fromRun = await cli('explain', 'traced', '--violation', '2', '--json');
  assert.ok(fromTrace.stdout.length > 0 && fromTrace.stdout.join('\n') === fromRun.stdout.join('\n'), 'the same story');
  const story = JSON.parse(fromRun.stdout.join('\n')) as Story;
  assert.is(story.violation.kind, 'range');
  assert.match(story.violation.why[0]!, /while its request \[\d+, live\] \(ruid \d+\) of [\d.]+s was unanswered/);
});

test('the same explain gives the same bytes twice: text, JSON and the diagram', async () => {
  await cli('run', scenario('mutants/leaf-oscillation.json'), '--mutant', '2095', '--out', 'twice');
  const a = await cli('explain', 'twice', '--out', 'a.svg');
  const b = await cli('explain', 'twice', '--out', 'b.svg');
  assert.is(a.code, 0, a.stderr.join('\n'));
  assert.equal(a.stdout.slice(0, -1), b.stdout.slice(0, -1));
  assert.ok(readFileSync(join(TMP, 'a.svg'), 'utf8') === readFileSync(join(TMP, 'b.svg'), 'utf8'), 'the same diagram');
  assert.match(a.stdout.join('\n'), /why:\n {2}nodes 0 and 2 dropped their connection at 3\.540s: WantedHashes: ruid not found\./);
});

test('the diagram is an SVG pullsim recognises, with a lane per node, an arrow per message and no text under 11 px', async () => {
  const { story, stderr } = await race();
  assert.equal(stderr, ['diagram story.svg']);
  const svg = readFileSync(join(TMP, 'story.svg'), 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" data-generator="pullsim"/);
  const sizes = [...svg.matchAll(/font-size="(\d+(?:\.\d+)?)"/g)].map((m) => Number(m[1]));
  assert.ok(sizes.length > 20 && Math.min(...sizes) >= 11, `font sizes ${[...new Set(sizes)].join(', ')}`);
  for (const l of story.lanes) assert.ok(svg.includes(`>node ${l}</text>`), `lane of node ${l}`);
  const arrows = (svg.match(/marker-end="url\(#story-a-/g) ?? []).length;
  assert.is(arrows, story.steps.filter((s) => s.role !== undefined && s.arrives !== null).length);
});

test("the run report links each of its first 8 listed violations to its story, and the next ones to the explain command", async () => {
  await explained('x1952', 'mutants/leaf-oscillation.json', '1952');
  const r = await cli('report', 'x1952');
  assert.is(r.code, 0, r.stderr.join('\n'));
  const html = readFileSync(join(TMP, 'x1952', 'index.html'), 'utf8');
  for (let i = 0; i < 8; i++) {
    assert.ok(html.includes(`<a href="#story-violation-${i}">story</a>`) && html.includes(`<div class="storybox" id="story-violation-${i}">`), `violation ${i}`);
  }
  assert.ok(html.includes('<code class="nowrap">explain --violation 8</code>') && !html.includes('id="story-violation-8"'));
  const story = html.slice(html.indexOf('id="story-violation-0"'), html.indexOf('id="story-violation-1"'));
  assert.match(story, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" data-generator="pullsim"/);
  assert.match(story, /node 0 quit SYNC\|5 of node 2 at 3\.000s/);
});

test('a violation without a node (vacuous) has a story of one step that points at what to explain instead', async () => {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(TMP, 'vacuous.json'), JSON.stringify({ pullsim: 1, name: 'vacuous', topology: { snapshot: join(ROOT, 'snapshots/generated-16.json') }, events: [{ at: '0s', upload: { node: 0, chunks: 2 } }], expect: { minAorPairs: 1000000 } }));
  await cli('run', 'vacuous.json', '--out', 'vacuous');
  const r = await cli('explain', 'vacuous', '--json');
  const story = JSON.parse(r.stdout.join('\n')) as Story;
  assert.equal([story.violation.kind, story.lanes, story.steps.length], ['vacuous', [], 1]);
  assert.match(story.violation.why[0]!, /names no node or chunk/);
});

test.after(() => rmSync(TMP, { recursive: true, force: true }));

test.run();
