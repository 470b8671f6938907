import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScenario } from '../src/scenario/schema.js';
import { runScenario } from '../src/scenario/runner.js';
import { narrow, traceLines, type MsgRecord, type TraceRecord } from '../src/scenario/trace-format.js';
import { shapedTopology } from '../src/topology/shapes.js';

// The trace of a two-node history sync, line by line: node 0 uploads two chunks, node 1 (PO 0 from it) pulls
// them as history of SYNC|1 after the 500 ms SyncInitBackoff, over 10 ms links with no bandwidth limit.

const scenario = parseScenario(
  { pullsim: 1, name: 'two', topology: { generate: { nodes: 2, shape: 'line' } }, links: { latency: '10ms', bandwidth: 'unlimited' }, events: [{ at: '0s', upload: { node: 0, chunks: 2 } }] },
  'two.json',
  'two',
);
const topology = shapedTopology('line', 2, 1);
const run = (filter?: { nodes: number[]; chunks: string[] }) => runScenario(scenario, topology, { seed: 1, details: false, trace: { limit: 1000, ...(filter ? { filter } : {}) } });
const outcome = run();
const trace = outcome.trace!;
const records = trace.records;
const lines = [...traceLines(trace.header('two', 1, outcome.fingerprint, 'c'), records)].join('').trimEnd().split('\n');
/** live GetRanges (each bin's [N, live]) and their arrivals: 34 at 0.52 s, one more at 2.57 s */
const live = new Set(records.filter((r): r is MsgRecord => r.ev === 'msg' && r.range?.[1] === null).map((r) => r.id));
const isLive = (r: TraceRecord) => (r.ev === 'msg' || r.ev === 'recv') && live.has(r.id);

test('the header line names the run, the protocol, the nodes and that nothing was filtered or left out', () => {
  assert.ok(lines[0]!.startsWith('{"pullsim":1,"kind":"trace","format":1,"scenario":"two","seed":1,'), lines[0]);
  const h = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.equal([h.fingerprint, h.protocol, h.nodes, h.filter, h.limit, h.records, h.dropped, h.end], [outcome.fingerprint, 'stream', topology.ids, null, 1000, records.length, 0, 10_540_000]);
  assert.equal(h.messages, ['StreamInfoReq', 'StreamInfoRes', 'GetRange', 'OfferedHashes', 'ChunkDelivery', 'WantedHashes', 'BatchDone', 'StreamState']);
});

test('a two-node history sync, record by record: subscriptions, cursors, the history range, offer, want, delivery and stores', () => {
  const all = '[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]';
  const expected = [
    '{"t":0,"ev":"connect","a":0,"b":1,"po":0}',
    `{"t":0,"ev":"upload","node":0,"chunk":0,"addr":"${outcome.world.chunks.hex(0)}","bin":1}`,
    '{"t":0,"ev":"store","node":0,"chunk":0,"bin":1}',
    `{"t":0,"ev":"upload","node":0,"chunk":1,"addr":"${outcome.world.chunks.hex(1)}","bin":1}`,
    '{"t":0,"ev":"store","node":0,"chunk":1,"bin":1}',
    `{"t":500000,"ev":"sub","node":0,"peer":1,"kind":"subscribe","bins":${all},"derived":false}`,
    `{"t":500000,"ev":"msg","id":0,"type":"StreamInfoReq","from":0,"to":1,"bytes":140,"bins":${all}}`,
    `{"t":500000,"ev":"sub","node":1,"peer":0,"kind":"subscribe","bins":${all},"derived":false}`,
    `{"t":500000,"ev":"msg","id":1,"type":"StreamInfoReq","from":1,"to":0,"bytes":140,"bins":${all}}`,
    '{"t":510000,"ev":"recv","id":0,"from":0,"to":1}',
    `{"t":510000,"ev":"msg","id":2,"type":"StreamInfoRes","from":1,"to":0,"bytes":293,"bins":${all},"more":{"cursors":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}}`,
    '{"t":510000,"ev":"recv","id":1,"from":1,"to":0}',
    `{"t":510000,"ev":"msg","id":3,"type":"StreamInfoRes","from":0,"to":1,"bytes":293,"bins":${all},"more":{"cursors":[0,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}}`,
    '{"t":520000,"ev":"recv","id":2,"from":1,"to":0}',
    '{"t":520000,"ev":"recv","id":3,"from":0,"to":1}',
    '{"t":520000,"ev":"msg","id":22,"type":"GetRange","from":1,"to":0,"bytes":34,"ruid":1133329423,"bin":1,"stream":"SYNC|1","range":[1,2],"more":{"batchSize":64}}',
    '{"t":530000,"ev":"recv","id":22,"from":1,"to":0}',
    '{"t":530000,"ev":"msg","id":39,"type":"OfferedHashes","from":0,"to":1,"bytes":80,"ruid":1133329423,"bin":1,"stream":"SYNC|1","lastIndex":2,"offered":[0,1]}',
    '{"t":540000,"ev":"recv","id":39,"from":0,"to":1}',
    '{"t":540000,"ev":"msg","id":40,"type":"WantedHashes","from":1,"to":0,"bytes":9,"ruid":1133329423,"bin":1,"stream":"SYNC|1","wanted":[0,1],"of":2}',
    '{"t":550000,"ev":"recv","id":40,"from":1,"to":0}',
    '{"t":550000,"ev":"msg","id":41,"type":"ChunkDelivery","from":0,"to":1,"bytes":8280,"ruid":1133329423,"bin":1,"stream":"SYNC|1","delivered":[0,1]}',
    '{"t":560000,"ev":"recv","id":41,"from":0,"to":1}',
    '{"t":560000,"ev":"store","node":1,"chunk":0,"bin":0}',
    '{"t":560000,"ev":"store","node":1,"chunk":1,"bin":0}',
    '{"t":2560000,"ev":"msg","id":42,"type":"OfferedHashes","from":1,"to":0,"bytes":80,"ruid":3998672493,"bin":0,"stream":"SYNC|0","lastIndex":2,"offered":[0,1]}',
    '{"t":2570000,"ev":"recv","id":42,"from":1,"to":0}',
    '{"t":2570000,"ev":"msg","id":43,"type":"WantedHashes","from":0,"to":1,"bytes":8,"ruid":3998672493,"bin":0,"stream":"SYNC|0","wanted":[],"of":2}',
    '{"t":2580000,"ev":"recv","id":43,"from":0,"to":1}',
  ];
  const shown = lines.slice(1).filter((_, i) => !isLive(records[i]!));
  assert.equal(shown, expected);
});

test('every bin is asked for live: 17 live GetRanges each way at 0.52 s, each arriving 10 ms later, and one more after the 2.56 s offer', () => {
  const sends = records.filter((r): r is MsgRecord => r.ev === 'msg' && live.has(r.id));
  assert.is(sends.length, 35);
  assert.equal(sends.filter((m) => m.t === 520_000 && m.from === 0).map((m) => m.bin), [...Array(17).keys()]);
  assert.equal(sends.filter((m) => m.t === 520_000 && m.from === 1).map((m) => m.range![0]), [1, 3, ...Array(15).fill(1)]);
  assert.equal(sends.at(-1), { t: 2_570_000, ev: 'msg', id: 44, type: 'GetRange', from: 0, to: 1, bytes: 27, ruid: 1792310516, bin: 0, stream: 'SYNC|0', range: [3, null], more: { batchSize: 64 } });
  const arrivals = records.filter((r) => r.ev === 'recv' && live.has(r.id));
  assert.equal(arrivals.map((r) => r.t), sends.map((m) => m.t + 10_000));
});

test("a trace filtered to node 1 and a chunk holds exactly the records a whole trace narrowed to them holds", () => {
  const focus = { nodes: [1], chunks: [outcome.world.chunks.hex(1)] };
  const filtered = run(focus).trace!.records;
  assert.equal(filtered, narrow(records, focus));
  assert.ok(filtered.length < records.length && filtered.some((r) => r.ev === 'upload' && r.chunk === 1) && !filtered.some((r) => r.ev === 'upload' && r.chunk === 0));
});

test('a trace keeps at most its limit of records and counts the rest', () => {
  const small = runScenario(scenario, topology, { seed: 1, details: false, trace: { limit: 10 } }).trace!;
  assert.is(small.records.length, 10);
  assert.is(small.dropped, records.length - 10);
  assert.equal(small.header('two', 1, 'f', 'c').dropped, records.length - 10);
});

test('under the goroutine runtime, where handlers start out of order, every message that arrived has its arrival', () => {
  const goroutines = parseScenario(
    { pullsim: 1, name: 'three', topology: { generate: { nodes: 3, shape: 'mesh' } }, links: { latency: '0ms', bandwidth: 'unlimited' }, runtime: { handlers: 'goroutines', cores: 2 }, events: [{ at: '0s', upload: { node: 0, chunks: 200 } }, { at: '0s', upload: { node: 1, chunks: 200 } }], expect: { maxDuplicates: 100000 } },
    'three.json',
    'three',
  );
  const o = runScenario(goroutines, shapedTopology('mesh', 3, 1), { seed: 4, details: false, trace: { limit: 1_000_000 } });
  const recs = o.trace!.records;
  const sent = recs.filter((r): r is MsgRecord => r.ev === 'msg');
  const arrived = new Set(recs.filter((r) => r.ev === 'recv').map((r) => (r as { id: number }).id));
  assert.ok(sent.length > 100, `${sent.length} messages`);
  assert.is(o.world.links().length, 3, 'no connection went down: every message arrived');
  assert.equal(sent.filter((m) => !arrived.has(m.id)).map((m) => m.id), []);
});

test.run();
