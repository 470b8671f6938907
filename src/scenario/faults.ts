import { formatBandwidth, formatMicros, type Micros } from '../core/units.js';
import type { Latency } from '../net/links.js';
import type { LinkChange } from './schema.js';

/** What a fault window is: a link change, a partition, a node down or paused, a churn period. */
export type FaultKind = 'links' | 'partition' | 'down' | 'pause' | 'churn';

/**
 * A fault in force from `from` to `to` (null: until the end of the run), labelled in the scenario's own units
 * ("latency 300ms", "bandwidth 200KB/s"), over `nodes` (null: every node).
 */
export interface FaultWindow {
  kind: FaultKind;
  label: string;
  from: Micros;
  to: Micros | null;
  nodes: number[] | null;
}

/** The most windows a run keeps (a long churn at 10k nodes stops thousands of nodes); the rest are counted. */
const MAX_WINDOWS = 2000;
/** The most nodes a window lists (a partition of 10k nodes names every node otherwise). */
const MAX_NODES = 64;

/**
 * The timeline's faults as windows rather than free-text marks: the timeline opens a window when a fault starts
 * (under a key, e.g. "down:17") and closes it when the fault ends (a spike reverts, a node starts, a heal).
 */
export class FaultLog {
  readonly windows: FaultWindow[] = [];
  /** windows not kept (over MAX_WINDOWS) */
  dropped = 0;
  private readonly open = new Map<string, FaultWindow>();
  /** told when a window opens and when it closes (the trace records both as they happen) */
  listener: ((w: FaultWindow, phase: 'begin' | 'end', t: Micros) => void) | undefined;

  /** A fault starts; `until` is its planned end (a spike's `for`, churn's `until`), a heal may end it sooner. */
  begin(key: string, kind: FaultKind, label: string, nodes: number[] | null, t: Micros, until: Micros | null = null): void {
    if (this.open.has(key)) return;
    if (this.windows.length >= MAX_WINDOWS) {
      this.dropped++;
      return;
    }
    const w: FaultWindow = { kind, label, from: t, to: until, nodes: nodes && nodes.length > MAX_NODES ? nodes.slice(0, MAX_NODES) : nodes };
    this.windows.push(w);
    this.open.set(key, w);
    this.listener?.(w, 'begin', t);
  }

  /** A fault ends (a no-op when it is not in force). */
  end(key: string, t: Micros): void {
    const w = this.open.get(key);
    if (!w) return;
    this.open.delete(key);
    w.to = w.to === null ? t : Math.min(w.to, t);
    this.listener?.(w, 'end', t);
  }

  /** A heal: every fault in force ends now. */
  endAll(t: Micros): void {
    for (const key of [...this.open.keys()]) this.end(key, t);
  }
}

export function formatLatency(l: Latency): string {
  return 'constant' in l ? formatMicros(l.constant) : `${formatMicros(l.uniform[0])}–${formatMicros(l.uniform[1])}`;
}

/** "node 3's links: bandwidth 200KB/s", "all links: latency 300ms for 2s" (nodes already resolved by the timeline). */
export function linkLabel(c: LinkChange, pair: [number, number] | undefined, node: number | undefined): string {
  const what = [
    c.latency !== undefined ? `latency ${formatLatency(c.latency)}` : '',
    c.bandwidth !== undefined ? `bandwidth ${formatBandwidth(c.bandwidth)}` : '',
    c.processing !== undefined ? `processing ${formatMicros(c.processing)}` : '',
  ].filter(Boolean);
  const scope = pair ? `link ${pair[0]}–${pair[1]}` : node !== undefined ? `node ${node}'s links` : 'all links';
  return `${scope}: ${what.join(', ')}${c.for !== undefined ? ` for ${formatMicros(c.for)}` : ''}`;
}

/** "churn 0.5/s, down 1s–4s". */
export function churnLabel(rate: number, downtime: [Micros, Micros]): string {
  const down = downtime[0] === downtime[1] ? formatMicros(downtime[0]) : `${formatMicros(downtime[0])}–${formatMicros(downtime[1])}`;
  return `churn ${Math.round(rate * 1000) / 1000}/s, down ${down}`;
}
