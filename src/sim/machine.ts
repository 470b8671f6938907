import type { Engine } from '../core/engine.js';
import { grown } from '../core/grown.js';
import { below, type Keyed, type Key, type KeyedSequence } from '../core/keyed.js';
import type { Micros } from '../core/units.js';
import type { Protocol, WireMessage } from '../protocol/api.js';
import type { Costs, Timed } from '../protocol/env.js';

/** Where a received message goes when its receiving step has run (the world). */
interface Receiver<M> {
  dispatch(from: number, to: number, epoch: number, msg: M): void;
}

/** A received message waiting for its receiving step on the machine (token: the connection's epoch). */
class Dispatch<M> implements Timed {
  constructor(
    private readonly world: Receiver<M>,
    private readonly from: number,
    private readonly to: number,
    private readonly msg: M,
  ) {}

  fire(epoch: number): boolean {
    this.world.dispatch(this.from, this.to, epoch, this.msg);
    return true;
  }
}

/** The goroutine runtime's settings (scenario section `runtime`, docs/runtime.md). */
export interface RuntimeOptions {
  /** 'serial': every handler runs to completion at once, at no cost; 'goroutines': handlers are steps on a machine */
  handlers: 'serial' | 'goroutines';
  /** simulated cores shared by every node's ready steps (GOMAXPROCS of the Go test process) */
  cores: number;
  /** other CPU-bound threads sharing those cores: every step takes (cores + busyLoops) / cores times its cost */
  busyLoops: number;
  /** a ready step waits a keyed random delay in [0, jitter) before it may take a core (a goroutine's wake-up) */
  jitter: Micros;
  costs: Costs;
}

/**
 * A simulated machine of `cores` cores shared by all nodes (Go's in-process simulations ran every node's
 * goroutines in one process). Work arrives as steps (`submit`): a node, a cost, and the record to fire when the
 * cost has run. A step is ready when submitted and eligible a keyed random delay later (`jitter`, drawn from the
 * seed by the node's address and the node's count of steps); whenever a core is free it takes the eligible step
 * that became eligible first (ties in submission order), runs it for its cost (scaled by the busy loops' share),
 * then fires its record, whose handler may submit the next step. So steps readied within `jitter` of each other
 * run in either order, depending on the seed, and the same seed gives the same interleaving; under load steps
 * queue for the cores about first come, first served, as in Go's run queues.
 *
 * One event per step (its completion), plus a wake-up when every eligible step is running and the next one is
 * not eligible yet. The ready steps are a binary heap over typed arrays keyed by (eligible time, submission order).
 */
export class Machine {
  /** cores not running a step */
  private free: number;
  private readonly scale: number;
  private readonly draws: (KeyedSequence | undefined)[] = [];
  private wakeAt = Infinity;
  private readonly K_STEP: number;
  private readonly K_WAKE: number;
  // ready steps: the heap holds slot numbers ordered by (at, seq); a slot holds one step
  private heap: Int32Array = new Int32Array(64);
  private size = 0;
  private at: Float64Array = new Float64Array(64);
  private seq: Float64Array = new Float64Array(64);
  private node: Int32Array = new Int32Array(64);
  private cost: Float64Array = new Float64Array(64);
  private token: Float64Array = new Float64Array(64);
  private arg: Float64Array = new Float64Array(64);
  private recs: (Timed | undefined)[] = new Array<Timed | undefined>(64).fill(undefined);
  private freeSlots: number[] = [];
  private slots = 0;
  private submitted = 0;
  /** steps run, and the core time they took (for metrics and the calibration) */
  steps = 0;
  busyMicros = 0;
  /** the longest any step waited between becoming eligible and taking a core */
  maxWait: Micros = 0;

  constructor(
    private readonly engine: Engine,
    readonly opts: RuntimeOptions,
    private readonly keyed: Keyed,
    private readonly nodeKeys: readonly Key[],
    private readonly protocol: Pick<Protocol<WireMessage>, 'receiveCost'>,
    /** called when a fired step did something (the world's last activity) */
    private readonly active: () => void,
  ) {
    if (!(opts.cores >= 1)) throw new Error(`assertion failed: a machine of ${opts.cores} cores`);
    // registered only when used, after the world's own kinds: an event kind is part of every later kind's number
    this.free = opts.cores;
    this.scale = (opts.cores + opts.busyLoops) / opts.cores;
    this.K_STEP = engine.register('step', (_node, token, arg, rec) => this.done(token, arg, rec as Timed));
    this.K_WAKE = engine.register('cpu', () => {
      this.wakeAt = Infinity;
      this.fill();
    });
  }

  /** Steps waiting for a core or running. */
  get pending(): number {
    return this.size + this.opts.cores - this.free;
  }

  /** A message arrived at `to`: its handler starts as a step costing what the protocol says receiving it costs. */
  receive<M extends WireMessage>(world: Receiver<M>, from: number, to: number, epoch: number, msg: M): void {
    const costs = this.opts.costs;
    this.submit(to, this.protocol.receiveCost?.(msg, costs) ?? costs.handler, new Dispatch(world, from, to, msg), epoch, 0);
  }

  /** A step of `node`: `cost` of CPU, then `rec.fire(token, arg)`. */
  submit(node: number, cost: Micros, rec: Timed, token: number, arg: number): void {
    const now = this.engine.now;
    let at = now;
    if (this.opts.jitter > 0) {
      let d = this.draws[node];
      if (!d) this.draws[node] = d = this.keyed.sequence(this.nodeKeys[node]!);
      at += below(d.u32(), this.opts.jitter);
    }
    const s = this.freeSlots.pop() ?? this.grow();
    this.at[s] = at;
    this.seq[s] = this.submitted++;
    this.node[s] = node;
    this.cost[s] = cost;
    this.token[s] = token;
    this.arg[s] = arg;
    this.recs[s] = rec;
    this.push(s);
    this.fill();
  }

  /** Starts eligible steps on free cores; schedules a wake-up for the next one that is not eligible yet. */
  private fill(): void {
    const now = this.engine.now;
    while (this.free > 0 && this.size > 0) {
      const s = this.heap[0]!;
      const at = this.at[s]!;
      if (at > now) {
        if (at < this.wakeAt) {
          this.wakeAt = at;
          this.engine.at(at, this.K_WAKE);
        }
        return;
      }
      this.pop();
      this.free--;
      const run = Math.round(this.cost[s]! * this.scale);
      this.steps++;
      this.busyMicros += run;
      if (now - at > this.maxWait) this.maxWait = now - at;
      this.engine.at(now + run, this.K_STEP, this.node[s]!, this.token[s]!, this.arg[s]!, this.recs[s]);
      this.recs[s] = undefined;
      this.freeSlots.push(s);
    }
  }

  /** A step's cost has run: its core frees, its record fires (and may submit more), then the cores fill again. */
  private done(token: number, arg: number, rec: Timed): void {
    this.free++;
    if (rec.fire(token, arg)) this.active();
    this.fill();
  }

  private grow(): number {
    const s = this.slots++;
    if (s === this.at.length) {
      const n = s * 2;
      this.at = grown(this.at, n);
      this.seq = grown(this.seq, n);
      this.cost = grown(this.cost, n);
      this.token = grown(this.token, n);
      this.arg = grown(this.arg, n);
      this.node = grown(this.node, n);
      this.heap = grown(this.heap, n);
      this.recs.length = n;
    }
    return s;
  }

  private less(x: number, y: number): boolean {
    const ax = this.at[x]!;
    const ay = this.at[y]!;
    return ax < ay || (ax === ay && this.seq[x]! < this.seq[y]!);
  }

  private push(s: number): void {
    const h = this.heap;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(s, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = s;
  }

  private pop(): void {
    const h = this.heap;
    const last = h[--this.size]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const c = r < this.size && this.less(h[r]!, h[l]!) ? r : l;
      if (!this.less(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}
