// The check thread's entry (check/thread.ts starts it): rebuilds a world of addresses, replays the rows of the
// shared ring into the recorder and the discipline checker as they are published, and judges at the end.
// tidy: wall-clock allowed (the judging time reported as checkMs, measured here only when the run asked for it)
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { Int32Arena } from '../core/arena.js';
import { AddressTable } from '../topology/address.js';
import type { ChecksModule } from './properties.js';
import { LocalChecking } from './session.js';
import { Ctrl, RING_BLOCKS, type ThreadAnswer, type ThreadFinish, type ThreadInit } from './thread.js';
import type { CheckWorld } from './view.js';
import { BLOCK, replay, type RowTarget } from './wire.js';

const init = workerData as ThreadInit;

/** A CheckWorld made of what the rows carried: node addresses at start, chunk addresses as they came, the end. */
class MirrorWorld implements CheckWorld {
  readonly nodes: { readonly length: number };
  readonly arena = new Int32Arena();
  readonly topology: { readonly addrs: AddressTable; readonly ids: readonly string[] };
  readonly chunks = new AddressTable(1024);
  /** each chunk's postage batch, as its row carried it */
  readonly batches: number[] = [];
  up: boolean[] = [];
  now = 0;
  engine = { queue: { size: 0 } };
  private end: Int32Array = new Int32Array(0);

  constructor(i: ThreadInit) {
    this.nodes = { length: i.nodes };
    const addrs = new AddressTable(i.nodes);
    for (let k = 0; k < i.nodes; k++) addrs.addWords(i.addrs, k * 8);
    this.topology = { addrs, ids: i.ids };
  }

  batchOf(chunk: number): number {
    return this.batches[chunk] ?? 0;
  }

  links(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.end.length; i += 2) out.push([this.end[i]!, this.end[i + 1]!]);
    return out;
  }

  finish(f: ThreadFinish): void {
    this.up = f.up;
    this.now = f.now;
    this.end = f.links;
    this.engine.queue.size = f.pending;
  }
}

const world = new MirrorWorld(init);
const module = ((await import(init.module)) as { checks: ChecksModule }).checks;
const checking = new LocalChecking(world, module, init.params, init.timed ? () => performance.now() : undefined);
const reasons: string[] = [];
const target: RowTarget = {
  observers: checking.observers,
  module,
  chunk: (id, batch, rows, at) => {
    if (world.chunks.addWords(rows, at) !== id) throw new Error(`assertion failed: chunk ${id} arrived out of order`);
    world.batches[id] = batch;
  },
  expectBack: (node, chunk) => checking.expectBack(node, chunk),
};

function answer(a: ThreadAnswer): void {
  const transfer: ArrayBuffer[] = [];
  if ('judged' in a) {
    const v = a.judged.verdict;
    transfer.push(v.pairs.node.buffer as ArrayBuffer, v.pairs.chunk.buffer as ArrayBuffer, v.pairs.storedAt.buffer as ArrayBuffer);
    // every chunk's holders are views of one array: it moves once, not copied
    const holders = v.chunks[0]?.holders.buffer as ArrayBuffer | undefined;
    if (holders && holders.byteLength > 0) transfer.push(holders);
  }
  init.port.postMessage(a, transfer);
  Atomics.store(init.flag, 0, 1);
  Atomics.notify(init.flag, 0);
}

const ring = new Float64Array(init.ring);
const ctrl = new Int32Array(init.ctrl);
let failure: string | undefined;
// Replays block after block as the simulation publishes them (this thread does nothing else, so it waits on
// the ring rather than on messages); a block of length -1 ends the run, and the end's facts are on the port.
for (let replayed = 0; ; ) {
  while (Atomics.load(ctrl, Ctrl.Published) === replayed) {
    if (Atomics.load(ctrl, Ctrl.Stop) === 1) process.exit(0);
    Atomics.wait(ctrl, Ctrl.Published, replayed, 1000);
  }
  const slot = replayed % RING_BLOCKS;
  const length = ctrl[Ctrl.Lengths + slot]!;
  if (length >= 0 && failure === undefined) {
    try {
      replay(ring.subarray(slot * BLOCK, slot * BLOCK + length), length, reasons, target);
    } catch (e) {
      failure = e instanceof Error ? (e.stack ?? e.message) : String(e);
    }
  }
  Atomics.store(ctrl, Ctrl.Replayed, ++replayed);
  Atomics.notify(ctrl, Ctrl.Replayed);
  if (length < 0) {
    const end = receiveMessageOnPort(init.port)?.message as ThreadFinish | undefined;
    if (failure !== undefined || !end) answer({ error: failure ?? 'the end of the run did not arrive' });
    else {
      try {
        world.finish(end);
        answer({ judged: checking.finish(world, end.options, end.details) });
      } catch (e) {
        answer({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      }
    }
    break;
  }
}
