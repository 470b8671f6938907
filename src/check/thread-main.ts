// The check thread's entry (check/thread.ts starts it): rebuilds a world of addresses, replays the rows into
// the recorder and the discipline checker, and judges at the end.
// tidy: wall-clock allowed (the judging time reported as checkMs, measured here only when the run asked for it)
import { parentPort, workerData } from 'node:worker_threads';
import { Int32Arena } from '../core/arena.js';
import { AddressTable } from '../topology/address.js';
import { LocalChecking } from './session.js';
import type { ThreadAnswer, ThreadFinish, ThreadInit } from './thread.js';
import type { CheckWorld } from './view.js';
import { replay, type RowTarget } from './wire.js';

const init = workerData as ThreadInit;

/** A CheckWorld made of what the rows carried: node addresses at start, chunk addresses as they came, the end. */
class MirrorWorld implements CheckWorld {
  readonly nodes: { readonly length: number };
  readonly arena = new Int32Arena();
  readonly topology: { readonly addrs: AddressTable; readonly ids: readonly string[] };
  readonly chunks = new AddressTable(1024);
  up: boolean[] = [];
  now = 0;
  engine = { queue: { size: 0 } };
  private end: [number, number][] = [];

  constructor(i: ThreadInit) {
    this.nodes = { length: i.nodes };
    const addrs = new AddressTable(i.nodes);
    for (let k = 0; k < i.nodes; k++) addrs.addWords(i.addrs, k * 8);
    this.topology = { addrs, ids: i.ids };
  }

  links(): [number, number][] {
    return this.end.map(([a, b]): [number, number] => [a, b]);
  }

  finish(f: ThreadFinish): void {
    this.up = f.up;
    this.now = f.now;
    this.end = f.links;
    this.engine.queue.size = f.pending;
  }
}

const world = new MirrorWorld(init);
const checking = new LocalChecking(world, init.params, init.timed ? () => performance.now() : undefined);
const reasons: string[] = [];
const target: RowTarget = {
  observers: checking.observers,
  chunk: (id, rows, at) => {
    if (world.chunks.addWords(rows, at) !== id) throw new Error(`assertion failed: chunk ${id} arrived out of order`);
  },
  expectBack: (node, chunk) => checking.expectBack(node, chunk),
};
let failure: string | undefined;

function answer(a: ThreadAnswer): void {
  const transfer = 'judged' in a ? [a.judged.verdict.pairs.node.buffer as ArrayBuffer, a.judged.verdict.pairs.chunk.buffer as ArrayBuffer, a.judged.verdict.pairs.storedAt.buffer as ArrayBuffer] : [];
  init.port.postMessage(a, transfer);
  Atomics.store(init.flag, 0, 1);
  Atomics.notify(init.flag, 0);
}

parentPort!.on('message', (m: { rows?: Float64Array; length?: number; reason?: string; finish?: ThreadFinish }) => {
  try {
    if (m.rows) {
      if (failure === undefined) replay(m.rows, m.length!, reasons, target);
    } else if (m.reason !== undefined) reasons.push(m.reason);
    else if (m.finish) {
      if (failure !== undefined) return answer({ error: failure });
      world.finish(m.finish);
      answer({ judged: checking.finish(world, m.finish.options, m.finish.curves) });
    }
  } catch (e) {
    failure = e instanceof Error ? (e.stack ?? e.message) : String(e);
    if (m.finish) answer({ error: failure });
  }
});
