import { formatMicros } from '../core/units.js';
import type { DepthJson } from '../check/depth-log.js';
import type { SubscriptionChange } from '../check/stream/subscription-log.js';
import type { ResultJson } from './result.js';
import { bandWindows, faultBands } from './spec-faults.js';
import { INK, LabelRows, PALETTE, TIP, colours, depthColour, inUnit, int, rebucket, round, top, xTime, type Chart, type Obj, type Row, type TimeAxis } from './spec-kit.js';
import type { NodeTrouble } from './trouble.js';

// Depth over time: a strip per node (the most troubled nodes whose depth changed), nodes per depth over time, and
// subscription changes (subscribes from the wire, quits derived from the depth and the sync rule).

/** Nodes drawn in the depth strip at most. */
export const STRIP_NODES = 32;
const ROW = 15;

/**
 * What a strip or a group chart draws: each node's Kademlia depth (from the connections), or a state a protocol
 * announces in the same shape (Bee's storage radius).
 */
export interface StateSource {
  name: 'depth' | 'radius';
  log: DepthJson;
}

const depthSource = (r: ResultJson): StateSource | undefined => (r.diagnosis ? { name: 'depth', log: r.diagnosis.depth } : undefined);
const stateNamer = (name: string) => (s: number) => (s < 0 ? 'down' : `${name} ${s}`);

/** The states that occur, in order (depths, then down), with their colours: a legend shared by strip and groups. */
function stateScale(states: Iterable<number>, width: number, name = 'depth'): Obj {
  const sorted = [...new Set(states)].sort((a, b) => (a < 0 ? 1 : b < 0 ? -1 : a - b));
  // vega reserves about 100 px an entry ("depth 10" at 0.8 em a character, and its symbol)
  return colours(sorted.map(stateNamer(name)), sorted.map(depthColour), Math.max(2, Math.floor(width / 100)), name);
}

/** The nodes the strip shows: the most troubled of those whose depth changed or that went down. */
export function stripNodes(trouble: NodeTrouble[]): NodeTrouble[] {
  return trouble.filter((t) => t.depthChanges > 0 || t.downs > 0).slice(0, STRIP_NODES);
}

function changeTip(c: SubscriptionChange): string {
  const bins = c.lo === c.hi ? `bin ${c.lo}` : `bins ${c.lo}–${c.hi}`;
  const peers = `${c.peers} peer${c.peers === 1 ? '' : 's'}`;
  return c.kind === 'subscribe'
    ? `node ${c.node} at ${formatMicros(c.t)}: asked cursors for ${bins} (${c.bins} in all) from ${peers} (StreamInfoReq, on the wire)`
    : `node ${c.node} at ${formatMicros(c.t)}: quits ${bins} (${c.bins} in all) at ${peers} (derived from its depth change by the sync rule; quits are not on the wire)`;
}

/** Each shown node's depth over time as a strip, with its subscription changes as triangles, over the fault bands. */
export function depthStrip(r: ResultJson, ax: TimeAxis, width: number, nodes: NodeTrouble[], source = depthSource(r)): Chart | undefined {
  const d = r.diagnosis;
  if (!d || !source || nodes.length === 0) return undefined;
  const { name, log } = source;
  const stateName = stateNamer(name);
  const end = r.metrics.endMicros;
  const lane = (i: number) => `node ${i}`;
  const names = nodes.map((n) => lane(n.index));
  const cells: Row[] = [];
  const states: number[] = [];
  for (const n of nodes) {
    const flat = log.nodes[n.index] ?? [0, 0];
    for (let k = 0; k < flat.length; k += 2) {
      const from = flat[k]!;
      const to = k + 2 < flat.length ? flat[k + 2]! : Math.max(end, from);
      const s = flat[k + 1]!;
      states.push(s);
      cells.push({ lane: lane(n.index), from: inUnit(ax, from), to: round(Math.min(inUnit(ax, to), ax.domain[1])), state: stateName(s), tip: `node ${n.index} ${s < 0 ? 'down' : `at ${name} ${s}`}: ${formatMicros(from)} → ${formatMicros(to)}` });
    }
  }
  const shown = new Set(nodes.map((n) => n.index));
  const changes = (d.subscriptions?.changes ?? []).filter((c) => shown.has(c.node));
  const marks = changes.map((c) => ({ lane: lane(c.node), t: inUnit(ax, c.t), kind: c.kind === 'subscribe' ? 'subscribe (StreamInfoReq)' : 'quit (derived)', tip: changeTip(c) }));
  const y = { field: 'lane', type: 'nominal', title: null, sort: names, scale: { domain: names, paddingInner: 0.15 } };
  const kinds = ['subscribe (StreamInfoReq)', 'quit (derived)'];
  const spec = top(width, names.length * ROW, {
    layer: [
      ...faultBands(ax, bandWindows(r), width, end, new LabelRows(0, width)),
      { data: { values: cells }, mark: { type: 'bar', aria: true }, encoding: { y, x: xTime(ax, 'from'), x2: { field: 'to' }, color: { field: 'state', type: 'nominal', ...stateScale(states, width, name) }, ...TIP } },
      // subscription changes are stream!'s (a Bee run has none)
      ...(name === 'depth' && d.subscriptions
        ? [{
            data: { values: marks },
            mark: { type: 'point', filled: true, size: 55, stroke: 'white', strokeWidth: 0.8, opacity: 1, aria: true },
            encoding: { y, x: xTime(ax), shape: { field: 'kind', type: 'nominal', scale: { domain: kinds, range: ['triangle-up', 'triangle-down'] }, legend: { title: null, orient: 'top', direction: 'horizontal', labelLimit: 500 } }, fill: { value: INK }, ...TIP },
          }]
        : []),
    ],
    resolve: { legend: { color: 'independent', shape: 'independent' } },
  });
  const capped = (d.subscriptions?.capped ?? 0) + log.capped;
  if (name === 'radius') {
    const caption = `Storage radius of the ${nodes.length} nodes whose radius changed most or that went down, as each announced it (grey: stopped): a node is responsible for the chunks at a PO at least its radius. Shaded: faults.${capped > 0 ? ` ${int(capped)} changes past the per-node limit are counted, not drawn.` : ''}`;
    return { id: 'radius-strip', title: 'Storage radius over time, per node', caption, spec, wide: true };
  }
  if (!d.subscriptions) {
    const caption = `Kademlia depth of the ${nodes.length} most troubled nodes whose depth changed or that went down (from the world's connect and disconnect events; grey: stopped). Bee syncs by the storage radius, not by this depth. Shaded: faults.`;
    return { id: 'depth-strip', title: 'Depth over time, per node', caption, spec, wide: true };
  }
  const caption = `Depth of the ${nodes.length} most troubled nodes whose depth changed or that went down (from the world's connect and disconnect events, not the nodes' own tables; grey: stopped). ▲ the node asked a peer for cursors again (StreamInfoReq on the wire), ▼ bins its depth change made it quit (derived: the sync rule applied to the observed depth; quits send nothing). Shaded: faults.${capped > 0 ? ` ${int(capped)} changes past the per-node limits are counted, not drawn.` : ''}`;
  return { id: 'depth-strip', title: 'Depth over time, per node', caption, spec, wide: true };
}

/** How many nodes were at each depth (or down) over time, stacked, over the fault bands. */
export function depthGroups(r: ResultJson, ax: TimeAxis, width: number, source = depthSource(r)): Chart | undefined {
  if (!source) return undefined;
  const { name, log } = source;
  const stateName = stateNamer(name);
  const g = log.groups;
  const len = Math.max(0, ...Object.values(g.rows).map((x) => x.length));
  const k = Math.max(1, Math.ceil(len / 100));
  const groups = Math.ceil(len / k);
  // states bottom to top: depths shallow to deep, then down
  const order = Object.keys(g.rows).map((key) => (key === 'down' ? -1 : Number(key))).sort((a, b) => (a < 0 ? 1 : b < 0 ? -1 : a - b));
  // each state's [bottom, top] in each group of k buckets (the counts at the group's end), stacked in that order
  const span = order.map(() => new Array<[number, number]>(groups));
  for (let i = 0; i < groups; i++) {
    let y = 0;
    order.forEach((s, o) => {
      const v = g.rows[s < 0 ? 'down' : String(s)]![Math.min(len, (i + 1) * k) - 1] ?? 0;
      span[o]![i] = [y, y + v];
      y += v;
    });
  }
  const bars: Row[] = [];
  order.forEach((s, o) => {
    const at = span[o]!;
    for (let i = 0; i < groups; ) {
      let j = i + 1;
      while (j < groups && at[j]![0] === at[i]![0] && at[j]![1] === at[i]![1]) j++;
      const [y0, y1] = at[i]!;
      const from = i * k * g.width;
      const to = j >= groups ? Math.max(j * k * g.width, r.metrics.endMicros) : j * k * g.width;
      if (y1 > y0 && inUnit(ax, from) < ax.domain[1]) {
        const v = y1 - y0;
        bars.push({ from: inUnit(ax, from), to: round(Math.min(inUnit(ax, to), ax.domain[1])), y0, y1, state: stateName(s), tip: `${formatMicros(from)}–${formatMicros(to)}: ${int(v)} node${v === 1 ? '' : 's'} ${s < 0 ? 'down' : `at ${name} ${s}`}` });
      }
      i = j;
    }
  });
  const spec = top(width, 220, {
    layer: [
      ...faultBands(ax, bandWindows(r), width, r.metrics.endMicros, new LabelRows(0, width)),
      { data: { values: bars }, mark: { type: 'rect', aria: true }, encoding: { x: xTime(ax, 'from'), x2: { field: 'to' }, y: { field: 'y0', type: 'quantitative', title: 'nodes', scale: { domain: [0, r.nodes.length] } }, y2: { field: 'y1' }, color: { field: 'state', type: 'nominal', ...stateScale(order, width, name) }, ...TIP } },
    ],
  });
  const caption = `How many of the ${int(r.nodes.length)} nodes were at each ${name} (grey: stopped) over time, in buckets of ${formatMicros(k * g.width)} (the count at each bucket's end).`;
  return name === 'radius' ? { id: 'radius-groups', title: 'Nodes per storage radius', caption, spec } : { id: 'depth-groups', title: 'Nodes per depth', caption, spec };
}

/** 0 and the powers of ten out to the largest value on each side (a symlog axis labels its ticks poorly itself). */
function logTicks(vs: number[]): number[] {
  const side = (m: number) => Array.from({ length: m >= 1 ? Math.ceil(Math.log10(m)) + 1 : 0 }, (_, i) => 10 ** i);
  const hi = side(Math.max(0, ...vs));
  const lo = side(-Math.min(0, ...vs));
  return [...lo.reverse().map((x) => -x), 0, ...hi];
}

/** Subscription changes over time: a new connection's first request, later requests (wire), quits (derived). */
export function subscriptionChart(r: ResultJson, ax: TimeAxis, width: number): Chart | undefined {
  const subs = r.diagnosis?.subscriptions;
  if (!subs) return undefined;
  const { width: w, rows } = rebucket(subs.series.width, subs.series.rows, 100, ax);
  const meaning: Record<string, [string, string, number]> = {
    initial: ['first request on a connection', '#bab0ac', 1],
    subscribe: ['later request (StreamInfoReq)', PALETTE[0]!, 1],
    'quit (derived)': ['quit (derived, below zero)', PALETTE[2]!, -1],
  };
  const values: Row[] = [];
  for (const [key, counts] of rows) {
    const [name, , sign] = meaning[key] ?? [key, INK, 1];
    counts.forEach((v, i) => {
      if (v > 0 && inUnit(ax, i * w) < ax.domain[1]) values.push({ from: inUnit(ax, i * w), to: round(Math.min(inUnit(ax, (i + 1) * w), ax.domain[1])), v: sign * v, kind: name, tip: `${formatMicros(i * w)}–${formatMicros((i + 1) * w)}: ${int(v)} bins, ${name}` });
    });
  }
  const used = Object.keys(meaning).filter((k) => rows.some(([x]) => x === k));
  const spec = top(width, 220, {
    layer: [
      ...faultBands(ax, bandWindows(r), width, r.metrics.endMicros, new LabelRows(0, width)),
      { data: { values }, mark: { type: 'rect', aria: true }, encoding: { x: xTime(ax, 'from'), x2: { field: 'to' }, y: { field: 'v', type: 'quantitative', stack: 'zero', title: `bins per ${formatMicros(w)} (log scale)`, scale: { type: 'symlog' }, axis: { values: logTicks(values.map((x) => x.v as number)), format: ',d' } }, color: { field: 'kind', type: 'nominal', ...colours(used.map((k) => meaning[k]![0]), used.map((k) => meaning[k]![1]), 1) }, ...TIP } },
    ],
  });
  return { id: 'subscriptions', title: 'Subscription changes', caption: `Bins asked for (StreamInfoReq, on the wire) and bins quit (derived from each node's observed depth changes by the sync rule: quits are not on the wire), per ${formatMicros(w)}.`, spec };
}
