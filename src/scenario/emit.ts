import { formatBandwidth, parseBandwidth, parseDuration, type Micros } from '../core/units.js';
import type { Latency } from '../net/links.js';
import type { Topology } from '../topology/topology.js';
import { resolveRef } from './loader.js';
import type { Action, LinkChange, NodeRef, TimedAction } from './schema.js';
import { parseRate } from './values.js';

/**
 * A resolved scenario's parts written back as a scenario file says them (the inverse of schema.ts for what
 * `pullsim shrink` rewrites): exact durations and bandwidths (each checked to parse back to the same value), node
 * references as indexes into the topology ("random" stays), and consecutive uploads of named chunks at one node
 * and one time as one event.
 */

const UNITS: [string, number][] = [
  ['h', 3_600_000_000],
  ['m', 60_000_000],
  ['s', 1_000_000],
  ['ms', 1000],
];

/** The shortest exact text of a duration: the largest unit that says it with at most three decimals, else "Nus". */
export function durationText(t: Micros): string {
  const text = (() => {
    for (const [unit, size] of UNITS) if (t >= size && t % (size / 1000) === 0) return `${t / size}${unit}`;
    return t === 0 ? '0s' : `${t}us`;
  })();
  if (parseDuration(text) !== t) throw new Error(`assertion failed: ${t}us written as ${text}`);
  return text;
}

export function bandwidthText(bytesPerSecond: number): string {
  const short = formatBandwidth(bytesPerSecond);
  const text = parseBandwidth(short) === bytesPerSecond ? short : `${bytesPerSecond}B/s`;
  if (parseBandwidth(text) !== bytesPerSecond) throw new Error(`assertion failed: bandwidth ${bytesPerSecond} written as ${text}`);
  return text;
}

export function latencyJson(l: Latency): unknown {
  return 'constant' in l ? durationText(l.constant) : { uniform: l.uniform.map(durationText) };
}

/** Stops per second as "N/s" (or "N/m" where seconds would need an exponent); checked against the schema's reading. */
function rateText(perSecond: number): string {
  for (const text of [`${perSecond}/s`, `${perSecond * 60}/m`]) if (parseRate(text) === perSecond) return text;
  throw new Error(`assertion failed: churn rate ${perSecond}/s has no exact text`);
}

/** Node reference `r` as a file writes it: an index into `t`, or "random". */
function refIn(t: Topology, r: NodeRef): number | string {
  const i = resolveRef(r, t);
  if (i === undefined) return 'random';
  if (typeof i !== 'number') throw new Error(`assertion failed: node reference ${String(r)} is ${i}`);
  return i;
}

/** Whether event `e` is written into the upload before it: both name their chunks, at one time, node and batch. */
export function joinsUpload(prev: TimedAction | undefined, e: TimedAction, t: Topology): boolean {
  const a = e.action;
  const p = prev?.action;
  if (!p || !('upload' in a) || !('upload' in p) || !a.upload.addresses || !p.upload.addresses) return false;
  return prev!.at === e.at && a.upload.batch === p.upload.batch && refIn(t, a.upload.node) === refIn(t, p.upload.node);
}

/** The events as a scenario file writes them, node references as indexes into `t`. */
export function eventsJson(events: readonly TimedAction[], t: Topology): unknown[] {
  const ref = (r: NodeRef) => refIn(t, r);
  const out: { at: string; [verb: string]: unknown }[] = [];
  let addresses: string[] = [];
  events.forEach((e, i) => {
    const a = e.action;
    if ('upload' in a && a.upload.addresses) {
      if (joinsUpload(events[i - 1], e, t)) addresses.push(...a.upload.addresses);
      else {
        addresses = [...a.upload.addresses];
        out.push({ at: durationText(e.at), upload: { node: ref(a.upload.node), addresses, ...batchKey(a.upload.batch) } });
      }
    } else out.push({ at: durationText(e.at), ...actionJson(a, ref) });
  });
  return out;
}

function actionJson(a: Action, ref: (r: NodeRef) => number | string): Record<string, unknown> {
  if ('upload' in a) return { upload: { node: ref(a.upload.node), chunks: a.upload.chunks, ...batchKey(a.upload.batch) } };
  if ('connect' in a) return { connect: { a: ref(a.connect.a), b: ref(a.connect.b) } };
  if ('disconnect' in a) return { disconnect: { a: ref(a.disconnect.a), b: ref(a.disconnect.b) } };
  if ('stop' in a) return { stop: { node: ref(a.stop.node) } };
  if ('start' in a) return { start: { node: ref(a.start.node) } };
  if ('pause' in a) return { pause: { node: ref(a.pause.node) } };
  if ('resume' in a) return { resume: { node: ref(a.resume.node) } };
  if ('remove' in a) return { remove: { node: ref(a.remove.node), chunks: a.remove.chunks, ...(a.remove.restore ? { restore: true } : {}) } };
  if ('links' in a) return { links: linksJson(a.links, ref) };
  if ('partition' in a) return { partition: 'halves' in a.partition ? { halves: true } : { groups: a.partition.groups.map((g) => g.map(ref)) } };
  if ('heal' in a) return { heal: {} };
  if ('churn' in a) {
    const [lo, hi] = a.churn.downtime;
    return { churn: { rate: rateText(a.churn.rate), downtime: lo === hi ? durationText(lo) : [durationText(lo), durationText(hi)], until: durationText(a.churn.until) } };
  }
  if ('wipe' in a) return { wipe: { node: ref(a.wipe.node) } };
  if ('loseData' in a) return { loseData: { ...(a.loseData.node !== undefined ? { node: ref(a.loseData.node) } : {}), chunks: a.loseData.chunks } };
  if ('expireBatch' in a) return { expireBatch: { batch: a.expireBatch.batch, ...(a.expireBatch.node !== undefined ? { node: ref(a.expireBatch.node) } : {}) } };
  return unwritable(a);
}

/** A verb this writer does not know is a compile error here (the union has no member left). */
function unwritable(a: never): never {
  throw new Error(`assertion failed: no writer for the event ${JSON.stringify(a)}`);
}

function linksJson(c: LinkChange, ref: (r: NodeRef) => number | string): Record<string, unknown> {
  return {
    ...(c.a !== undefined && c.b !== undefined ? { a: ref(c.a), b: ref(c.b) } : {}),
    ...(c.node !== undefined ? { node: ref(c.node) } : {}),
    ...(c.latency !== undefined ? { latency: latencyJson(c.latency) } : {}),
    ...(c.bandwidth !== undefined ? { bandwidth: bandwidthText(c.bandwidth) } : {}),
    ...(c.processing !== undefined ? { processing: durationText(c.processing) } : {}),
    ...(c.for !== undefined ? { for: durationText(c.for) } : {}),
  };
}

/** An upload's `batch` key, left out for the default batch as the author left it out. */
export function batchKey(batch: number | undefined): { batch?: number } {
  return batch !== undefined ? { batch } : {};
}
