import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { WorldObserver } from '../sim/observer.js';
import type { AddressTable } from '../topology/address.js';
import type { CheckParams, Checking, Judged } from './session.js';
import type { VerdictOptions } from './verdict.js';
import type { CheckWorld } from './view.js';
import { RowWriter } from './wire.js';

/** What the check thread starts from (workerData). */
export interface ThreadInit {
  nodes: number;
  ids: readonly string[];
  /** the node addresses' words */
  addrs: Uint32Array;
  params: CheckParams;
  /** set to 1 by the thread when its answer is on `port` */
  flag: Int32Array;
  port: MessagePort;
  /** measure judging with the thread's clock */
  timed: boolean;
}

/** The end of the run, as the thread's world needs it for the verdict. */
export interface ThreadFinish {
  up: boolean[];
  now: number;
  links: [number, number][];
  pending: number;
  options: VerdictOptions;
  curves: boolean;
}

/** The thread's answer: a judged run, or what went wrong there. */
export type ThreadAnswer = { judged: Judged } | { error: string };

/**
 * The same checkers in a worker thread: the world's events go there as rows (check/wire.ts), in blocks, while
 * the simulation runs on; `finish` waits for the verdict. The checkers' results are the same as in this thread
 * (they see the same events in the same order; test/check-thread.test.ts), and the simulation's own work no
 * longer includes theirs: on two cores a large run takes about the time of the protocol alone.
 */
export class ThreadChecking implements Checking {
  readonly observers: WorldObserver[];
  private readonly writer: RowWriter;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));

  constructor(world: { readonly nodes: { readonly length: number }; readonly topology: { readonly addrs: AddressTable; readonly ids: readonly string[] }; readonly chunks: AddressTable }, p: CheckParams, timed: boolean) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const n = world.nodes.length;
    const init: ThreadInit = { nodes: n, ids: world.topology.ids, addrs: world.topology.addrs.words.slice(0, n * 8), params: p, flag: this.flag, port: port2, timed };
    this.worker = new Worker(new URL('./thread-main.js', import.meta.url), { workerData: init, transferList: [port2] });
    // a run that throws before finish must not keep the process alive for the thread's sake
    this.worker.unref();
    const w = this.worker;
    this.writer = new RowWriter(world.chunks, {
      block: (rows, length) => w.postMessage({ rows, length }, [rows.buffer as ArrayBuffer]),
      reason: (text) => w.postMessage({ reason: text }),
    });
    this.observers = [this.writer];
  }

  expectBack(node: number, chunk: number): void {
    this.writer.expectBack(node, chunk);
  }

  finish(world: CheckWorld, options: VerdictOptions, curves: boolean): Judged {
    this.writer.flush();
    const end: ThreadFinish = { up: world.up.slice(), now: world.now, links: world.links(), pending: world.engine.queue.size, options, curves };
    this.worker.postMessage({ finish: end });
    // the answer is posted before the flag is set; the thread always answers (its errors are answers too)
    while (Atomics.wait(this.flag, 0, 0, 1000) === 'timed-out') {
      /* the thread is still judging */
    }
    const got = receiveMessageOnPort(this.port);
    void this.worker.terminate();
    if (!got) throw new Error('assertion failed: the check thread set its flag without an answer');
    const answer = got.message as ThreadAnswer;
    if ('error' in answer) throw new Error(`check thread: ${answer.error}`);
    return answer.judged;
  }
}
