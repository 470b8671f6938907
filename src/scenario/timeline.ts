import { KeyedPicker } from '../core/keyed-pick.js';
import { Keyed, subKey, type Key } from '../core/keyed.js';
import type { Rng } from '../core/rng.js';
import { formatMicros, type Micros } from '../core/units.js';
import type { Traffic } from '../check/series.js';
import type { LinkModel } from '../net/links.js';
import type { World } from '../sim/world.js';
import { eventKeys } from './event-keys.js';
import { FaultLog, churnLabel, linkLabel } from './faults.js';
import { closestUpNode } from './landing.js';
import { resolveRef } from './loader.js';
import type { Action, LinkChange, NodeRef, Scenario } from './schema.js';

const CHURN_START = 1;
const CHURN_NEXT = 2;

/**
 * Applies the scenario's timed actions and faults to the world; timed follow-ups (spike reverts, churn) are events,
 * not closures. Every random choice is keyed (src/core/keyed.ts) by the event it belongs to (eventKeys: its content,
 * not its place in the list): an upload's chunk addresses by (event, index), a "random" node by (event, reference
 * or chunk index) through a KeyedPicker over the nodes' address keys, a churn round's gap, downtime and victim by
 * (churn event, round). So removing an event or a node leaves the other events' draws as they were.
 */
export class Timeline {
  readonly uploaded: number[] = [];
  /** uploads that found no up node to take them (an upload to a stopped node is not possible) */
  readonly notUploaded: string[] = [];
  /** when the last fault (anything but an upload) was applied; -1 if none */
  lastFault: Micros = -1;
  /** links the scenario's partitions took down, restored by heal */
  private readonly partitioned: [number, number][] = [];
  /** nodes stopped by the scenario or churn, restarted by heal */
  private readonly stopped = new Set<number>();
  private readonly paused = new Set<number>();
  private readonly kAction: number;
  private readonly kChurn: number;
  private readonly kRevert: number;
  /** each event's key, by index into s.events */
  private readonly keys: Key[];
  private readonly picks: Keyed;
  private readonly churnDraws: Keyed;
  private picker: KeyedPicker | undefined;
  /** the churn processes started so far: their event's key and the next round's number */
  private readonly chains: { key: Key; round: number }[] = [];
  private churnUntil: Micros = 0;
  private churnRate = 0;
  private churnDown: [Micros, Micros] = [0, 0];
  /** link changes still in force, in the order they were made (see changeLinks) */
  private readonly linkOps: LinkOp[] = [];
  private readonly touched = new Map<string, [number, number]>();
  private nextOp = 0;
  private partitions = 0;
  /** told of chunks removed with `restore`: the node is still expected to hold them at the end */
  restore: ((node: number, chunk: number) => void) | undefined;
  /** the faults as windows (from, to, nodes, a label in the scenario's units) for the report */
  readonly faults = new FaultLog();

  constructor(
    private readonly world: World,
    private readonly s: Scenario,
    rng: Rng,
    private readonly traffic: Traffic,
  ) {
    this.keys = eventKeys(s.events, world.topology);
    this.picks = Keyed.of(rng, 'pick');
    this.churnDraws = Keyed.of(rng, 'churn');
    this.kAction = world.register('action', (i) => this.apply(i));
    this.kChurn = world.register('churn', (what, arg) => this.churn(what, arg));
    this.kRevert = world.register('revert', (id) => this.revert(id));
    s.events.forEach((e, i) => world.engine.at(e.at, this.kAction, i));
  }

  apply(index: number): void {
    const a: Action = this.s.events[index]!.action;
    const k = this.keys[index]!;
    const w = this.world;
    w.lastActive = w.now;
    this.traffic.action(this.describe(a), w.now);
    if (!('upload' in a)) this.lastFault = w.now;
    if ('upload' in a) {
      const r = resolveRef(a.upload.node, w.topology);
      const fixed = typeof r === 'number' ? r : undefined;
      let lost = 0;
      const push = this.s.protocol.kind === 'bee' && this.s.protocol.pushSync;
      const batch = a.upload.batch ?? 0;
      (a.upload.addresses ? w.namedChunks(a.upload.addresses, batch) : w.newChunks(k, a.upload.chunks, batch)).forEach((c, i) => {
        const node = fixed ?? this.pick(k, i, true);
        this.uploaded.push(c);
        const at = node !== undefined && w.up[node] && push ? closestUpNode(w, c) : node;
        if (at !== undefined && w.up[at]) w.upload(at, c);
        else lost++;
      });
      if (lost > 0) this.notUploaded.push(`${lost} of the ${a.upload.chunks} chunks of events[${index}] (at ${formatMicros(w.now)}) were not uploaded: ${fixed === undefined ? 'no node was up' : `node ${fixed} was down`}`);
    } else if ('connect' in a) w.connect(this.node(a.connect.a, k, 0), this.node(a.connect.b, k, 1));
    else if ('disconnect' in a) w.disconnect(this.node(a.disconnect.a, k, 0), this.node(a.disconnect.b, k, 1));
    else if ('stop' in a) this.stop(this.node(a.stop.node, k, 0));
    else if ('start' in a) this.start(this.node(a.start.node, k, 0));
    else if ('pause' in a) {
      const n = this.node(a.pause.node, k, 0);
      this.paused.add(n);
      w.pause(n);
      this.faults.begin(`pause:${n}`, 'pause', `node ${n} paused`, [n], w.now);
    } else if ('resume' in a) {
      const n = this.node(a.resume.node, k, 0);
      this.paused.delete(n);
      w.resume(n);
      this.faults.end(`pause:${n}`, w.now);
    } else if ('remove' in a) {
      const node = this.node(a.remove.node, k, 0);
      for (const [from, to] of a.remove.chunks) {
        for (let i = from; i < to && i < this.uploaded.length; i++) {
          if (w.removeChunk(node, this.uploaded[i]!) && a.remove.restore) this.restore?.(node, this.uploaded[i]!);
        }
      }
    } else if ('links' in a) this.changeLinks(a.links, k);
    else if ('partition' in a) this.partition(a.partition, k);
    else if ('heal' in a) this.heal();
    else if ('wipe' in a || 'loseData' in a || 'expireBatch' in a) this.nodeFault(a, k);
    else {
      this.churnRate = a.churn.rate;
      this.churnDown = a.churn.downtime;
      this.churnUntil = a.churn.until;
      this.faults.begin('churn', 'churn', churnLabel(a.churn.rate, a.churn.downtime), null, w.now, a.churn.until);
      this.chains.push({ key: k, round: 0 });
      this.scheduleChurn(this.chains.length - 1);
    }
  }

  /**
   * Faults of a protocol's nodes (Bee's; the schema refuses them for stream!): a wipe (an up node stops, is wiped
   * and starts again at once; a stopped one is wiped and stays down), data lost while the store lists it and a
   * batch expiry, at one node or at all (down ones too: their reserve persists).
   */
  private nodeFault(a: Extract<Action, { wipe: unknown } | { loseData: unknown } | { expireBatch: unknown }>, k: Key): void {
    const w = this.world;
    const of = (n: number) => w.nodes[n]!;
    if ('wipe' in a) {
      const n = this.node(a.wipe.node, k, 0);
      const up = w.up[n]!;
      if (up) w.stop(n);
      of(n).wipe!();
      if (up) w.restart(n);
    } else if ('loseData' in a) {
      for (const n of this.nodesOf(a.loseData.node, k)) {
        for (const [from, to] of a.loseData.chunks) for (let i = from; i < to && i < this.uploaded.length; i++) of(n).loseData!(this.uploaded[i]!);
      }
    } else for (const n of this.nodesOf(a.expireBatch.node, k)) of(n).expireBatch!(a.expireBatch.batch);
  }

  /** The node a reference names, or every node when there is none. */
  private nodesOf(ref: NodeRef | undefined, k: Key): number[] {
    return ref === undefined ? this.world.nodes.map((_, i) => i) : [this.node(ref, k, 0)];
  }

  private stop(n: number, why = 'stopped'): void {
    this.stopped.add(n);
    this.world.stop(n);
    this.faults.begin(`down:${n}`, 'down', `node ${n} ${why}`, [n], this.world.now);
  }

  private start(n: number): void {
    this.stopped.delete(n);
    this.world.restart(n);
    this.faults.end(`down:${n}`, this.world.now);
  }

  // --- links: one, a node's, or all; spikes revert by event ----------------------------------------------

  /**
   * Link changes are kept as a list of operations replayed, in order, on the configured model whenever one is added
   * or a spike ends: so overlapping spikes each undo only their own part. A change of a pair or of a node's links
   * applies on top of that link's model at that point of the replay. A heal clears the list.
   */
  private changeLinks(c: LinkChange, k: Key): void {
    const w = this.world;
    let pairs: [number, number][] | null = null;
    let node: number | undefined;
    const pair = c.a !== undefined && c.b !== undefined;
    if (pair) pairs = [[this.node(c.a!, k, 0), this.node(c.b!, k, 1)]];
    else if (c.node !== undefined) pairs = w.wantedPairs((node = this.node(c.node, k, 0)));
    const op: LinkOp = { id: this.nextOp++, pairs, change: c };
    this.linkOps.push(op);
    if (pairs) for (const [a, b] of pairs) this.touched.set(`${a}-${b}`, [a, b]);
    this.replayLinks();
    if (c.for !== undefined) w.engine.after(c.for, this.kRevert, op.id);
    const nodes = pair ? pairs![0]! : node !== undefined ? [node] : null;
    this.faults.begin(`links:${op.id}`, 'links', linkLabel(c, pair ? pairs![0] : undefined, node), nodes, w.now, c.for === undefined ? null : w.now + c.for);
  }

  /** A spike ends (unless a heal cleared it first). */
  private revert(id: number): void {
    const i = this.linkOps.findIndex((op) => op.id === id);
    if (i < 0) return;
    this.linkOps.splice(i, 1);
    this.replayLinks();
    const w = this.world;
    this.faults.end(`links:${id}`, w.now);
    w.lastActive = w.now;
    this.lastFault = w.now;
    this.traffic.action(`links restored @${formatMicros(w.now)}`, w.now);
  }

  private replayLinks(): void {
    const w = this.world;
    w.linkModels.setDefaults(undefined);
    for (const [a, b] of this.touched.values()) w.linkModels.set(a, b, undefined);
    for (const { pairs, change } of this.linkOps) {
      const patch = (m: LinkModel): LinkModel => ({
        latency: change.latency ?? m.latency,
        bandwidth: change.bandwidth ?? m.bandwidth,
        processing: change.processing ?? m.processing,
      });
      if (pairs) for (const [a, b] of pairs) w.linkModels.set(a, b, patch(w.linkModels.between(a, b)));
      else w.linkModels.setDefaults(patch(w.linkModels.defaults));
    }
  }

  // --- partition and heal ----------------------------------------------------------------------------------

  private partition(p: { groups: NodeRef[][] } | { halves: true }, k: Key): void {
    const w = this.world;
    const group = new Int32Array(w.nodes.length).fill(-1);
    if ('halves' in p) for (let i = 0; i < group.length; i++) group[i] = w.topology.addrs.head(i) >>> 31;
    else {
      let slot = 0;
      p.groups.forEach((g, gi) => g.forEach((r) => (group[this.node(r, k, slot++)] = gi)));
    }
    const members = 'halves' in p ? null : [...group.keys()].filter((i) => group[i]! >= 0);
    const label = 'halves' in p ? 'partition: address halves' : `partition: ${p.groups.length} groups of ${p.groups.map((g) => g.length).join('/')}`;
    this.faults.begin(`partition:${this.partitions++}`, 'partition', label, members, w.now);
    for (const [a, b] of w.wantedPairs()) {
      if (group[a] === -1 || group[b] === -1 || group[a] === group[b]) continue;
      this.partitioned.push([a, b]);
      w.cut(a, b);
    }
  }

  /** Ends every fault: partitions, stopped nodes, paused dispatch, changed links. */
  private heal(): void {
    const w = this.world;
    for (const n of [...this.paused].sort((x, y) => x - y)) w.resume(n);
    this.paused.clear();
    for (const n of [...this.stopped].sort((x, y) => x - y)) w.restart(n);
    this.stopped.clear();
    for (const [a, b] of this.partitioned.splice(0)) w.uncut(a, b);
    this.linkOps.length = 0;
    this.replayLinks();
    this.churnUntil = 0;
    this.faults.endAll(w.now);
  }

  // --- churn ------------------------------------------------------------------------------------------------

  /** The gap before churn `chain`'s next round: exponential, drawn for (the churn event, that round). */
  private scheduleChurn(chain: number): void {
    const c = this.chains[chain]!;
    const u = this.churnDraws.unit(subKey(c.key, c.round), 0);
    const gap = Math.max(1, Math.round((-Math.log(1 - u) / this.churnRate) * 1e6));
    const at = this.world.now + gap;
    if (at < this.churnUntil) this.world.engine.at(at, this.kChurn, CHURN_NEXT, chain);
  }

  /** CHURN_START: `arg` (a node) starts again; CHURN_NEXT: a round of churn `arg` stops a node. */
  private churn(what: number, arg: number): void {
    const w = this.world;
    if (what === CHURN_START) {
      const node = arg;
      if (!this.stopped.has(node)) return; // healed meanwhile
      w.lastActive = w.now;
      this.lastFault = w.now;
      this.traffic.action(`churn start node=${node} @${formatMicros(w.now)}`, w.now);
      this.start(node);
      return;
    }
    if (what === CHURN_NEXT && w.now < this.churnUntil) {
      const c = this.chains[arg]!;
      const round = subKey(c.key, c.round++);
      const n = this.pick(round, 0, true);
      if (n !== undefined) {
        w.lastActive = w.now;
        this.lastFault = w.now;
        this.traffic.action(`churn stop node=${n} @${formatMicros(w.now)}`, w.now);
        this.stop(n, 'down (churn)');
        const [lo, hi] = this.churnDown;
        w.engine.after(lo + this.churnDraws.int(round, 1, hi - lo + 1), this.kChurn, CHURN_START, n);
      }
      this.scheduleChurn(arg);
    }
  }

  // --- references -------------------------------------------------------------------------------------------

  /** A node reference of event `k`; "random" picks any node, keyed by (k, the reference's slot in the event). */
  private node(ref: NodeRef, k: Key, slot: number): number {
    const r = resolveRef(ref, this.world.topology);
    if (typeof r === 'number') return r;
    if (r !== undefined) throw new Error(`assertion failed: unresolved node reference ${String(ref)}`);
    return this.pick(k, slot, false)!;
  }

  /** The node the keyed picker gives for (k, ordinal): among the up nodes, or among all; undefined if none is up. */
  private pick(k: Key, ordinal: number, upOnly: boolean): number | undefined {
    this.picker ??= new KeyedPicker(this.picks, this.world.nodeKeys);
    const n = this.picker.pick(k, ordinal, upOnly ? this.world.up : undefined);
    return n < 0 ? undefined : n;
  }

  private describe(a: Action): string {
    const [verb, body] = Object.entries(a)[0] as [string, Record<string, unknown>];
    const parts = Object.entries(body).filter(([k]) => k !== 'addresses').map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
    return `${verb} ${parts.join(' ')} @${formatMicros(this.world.now)}`.replace(/ +@/, ' @');
  }
}

/** One link change: the pairs it covers (null: all links) and what it sets. */
interface LinkOp {
  id: number;
  pairs: [number, number][] | null;
  change: LinkChange;
}
