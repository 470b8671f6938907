import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { WorldObserver } from '../sim/observer.js';
import type { AddressTable } from '../topology/address.js';
import type { ChecksModule } from './properties.js';
import type { Checking, Judged } from './session.js';
import type { VerdictOptions } from './verdict.js';
import type { CheckWorld } from './view.js';
import { BLOCK, RowWriter } from './wire.js';

/** the check thread's young generation, MiB */
const YOUNG_MB = 24;

/** blocks in the ring the two threads share (8 MiB) */
export const RING_BLOCKS = 16;

/**
 * The shared ring's control words: blocks published by the simulation, blocks replayed by the check thread, a
 * stop word (1: the run was abandoned), then each ring slot's length in doubles (-1: the run ended).
 */
export const Ctrl = { Published: 0, Replayed: 1, Stop: 2, Lengths: 3 } as const;

/** What the check thread starts from (workerData). */
export interface ThreadInit {
  nodes: number;
  ids: readonly string[];
  /** the node addresses' words */
  addrs: Uint32Array;
  /** the URL of the protocol's check module (the thread imports it) and its parameters */
  module: string;
  params: unknown;
  /** RING_BLOCKS blocks of BLOCK doubles */
  ring: SharedArrayBuffer;
  /** Int32 control words (Ctrl) */
  ctrl: SharedArrayBuffer;
  /** set to 1 by the thread when its answer is on `port` */
  flag: Int32Array;
  /** the end of the run comes in on it, the answer goes out */
  port: MessagePort;
  /** measure judging with the thread's clock */
  timed: boolean;
}

/** The end of the run, as the thread's world needs it for the verdict. */
export interface ThreadFinish {
  up: boolean[];
  now: number;
  /** the live connections, flat: a0, b0, a1, b1, ... (one buffer, not an array per link) */
  links: Int32Array;
  pending: number;
  options: VerdictOptions;
  details: boolean;
}

/** The thread's answer: a judged run, or what went wrong there. */
export type ThreadAnswer = { judged: Judged } | { error: string };

/**
 * The same checkers in a worker thread: the world's events go there as rows (check/wire.ts), written straight
 * into a ring of blocks both threads share (no message per block, no copy), while the simulation runs on;
 * `finish` waits for the verdict. The simulation waits only when the ring is full. The checkers' results are
 * the same as in this thread (they see the same events in the same order; test/check-thread.test.ts), and the
 * simulation's own work no longer includes theirs: on two cores a large run takes about the time of the
 * protocol alone.
 */
export class ThreadChecking implements Checking {
  readonly observers: WorldObserver[];
  private readonly writer: RowWriter;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly ring = new Float64Array(new SharedArrayBuffer(RING_BLOCKS * BLOCK * 8));
  private readonly ctrl = new Int32Array(new SharedArrayBuffer((Ctrl.Lengths + RING_BLOCKS) * 4));
  /** blocks published so far */
  private published = 0;
  private done = false;

  constructor(
    world: { readonly nodes: { readonly length: number }; readonly topology: { readonly addrs: AddressTable; readonly ids: readonly string[] }; readonly chunks: AddressTable; batchOf(chunk: number): number },
    checks: { module: ChecksModule; url: string; params: unknown },
    timed: boolean,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const n = world.nodes.length;
    const init: ThreadInit = {
      nodes: n,
      ids: world.topology.ids,
      addrs: world.topology.addrs.words.slice(0, n * 8),
      module: checks.url,
      params: checks.params,
      ring: this.ring.buffer as SharedArrayBuffer,
      ctrl: this.ctrl.buffer as SharedArrayBuffer,
      flag: this.flag,
      port: port2,
      timed,
    };
    // its young generation stays small whatever the process's flags (bench.js gives the simulation a large one):
    // what it allocates dies young, and a run waits for it only at the end
    this.worker = new Worker(new URL('./thread-main.js', import.meta.url), { workerData: init, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
    // a run that throws before finish must not keep the process alive for the thread's sake
    this.worker.unref();
    this.writer = new RowWriter(world.chunks, (c) => world.batchOf(c), { first: () => this.slot(0), block: (_rows, length) => (this.publish(length), this.nextSlot()) }, checks.module);
    this.observers = [this.writer];
  }

  expectBack(node: number, chunk: number): void {
    this.writer.expectBack(node, chunk);
  }

  finish(world: CheckWorld, options: VerdictOptions, details: boolean): Judged {
    this.writer.flush();
    const end: ThreadFinish = { up: world.up.slice(), now: world.now, links: Int32Array.from(world.links().flat()), pending: world.engine.queue.size, options, details };
    this.port.postMessage(end, [end.links.buffer as ArrayBuffer]);
    this.publish(-1);
    // the answer is posted before the flag is set; the thread always answers (its errors are answers too)
    while (Atomics.wait(this.flag, 0, 0, 1000) === 'timed-out') {
      /* the thread is still judging */
    }
    const got = receiveMessageOnPort(this.port);
    this.dispose();
    if (!got) throw new Error('assertion failed: the check thread set its flag without an answer');
    const answer = got.message as ThreadAnswer;
    if ('error' in answer) throw new Error(`check thread: ${answer.error}`);
    return answer.judged;
  }

  /** The run is over (judged or abandoned): the thread stops. */
  dispose(): void {
    if (this.done) return;
    this.done = true;
    Atomics.store(this.ctrl, Ctrl.Stop, 1);
    Atomics.notify(this.ctrl, Ctrl.Published);
    void this.worker.terminate();
    this.port.close();
  }

  /** Hands the current block (`length` doubles, -1 for the end) to the thread. */
  private publish(length: number): void {
    const c = this.ctrl;
    c[Ctrl.Lengths + (this.published % RING_BLOCKS)] = length;
    Atomics.store(c, Ctrl.Published, ++this.published);
    Atomics.notify(c, Ctrl.Published);
  }

  /** The next block to write, once the thread has replayed it: waits while the ring is full. */
  private nextSlot(): Float64Array {
    const c = this.ctrl;
    for (;;) {
      const replayed = Atomics.load(c, Ctrl.Replayed);
      if (this.published - replayed < RING_BLOCKS) break;
      Atomics.wait(c, Ctrl.Replayed, replayed, 1000);
    }
    return this.slot(this.published);
  }

  private slot(block: number): Float64Array {
    const at = (block % RING_BLOCKS) * BLOCK;
    return this.ring.subarray(at, at + BLOCK);
  }
}
