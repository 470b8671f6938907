import { batchKey } from '../emit.js';
import { firstChunks, mapChunkRanges } from '../event-parts.js';
import type { TimedAction } from '../schema.js';
import type { State } from './state.js';

/** One uploaded chunk of a run, in upload order: its address and the node it went to (null: no node took it). */
export interface UploadRecord {
  address: string;
  node: string | null;
}

/**
 * The state with every upload written out chunk by chunk: one upload event per chunk, at the node the run put it
 * on, with the address it drew and its event's postage batch, in the place of the event that made it (so chunks keep their upload order);
 * chunks no node took are left out, and chunk ranges (`remove`, `loseData`) move down past them. Each chunk is then an event of its
 * own that the chunk pass can drop. Undefined when the record does not fit the scenario's uploads.
 */
export function explicitUploads(st: State, uploads: readonly UploadRecord[]): State | undefined {
  const s = st.scenario;
  const firstChunk = firstChunks(s.events);
  const total = [...firstChunk.keys()].reduce((n, i) => n + (s.events[i]!.action as { upload: { chunks: number } }).upload.chunks, 0);
  if (total !== uploads.length) return undefined;
  const lostBefore = new Int32Array(uploads.length + 1);
  uploads.forEach((u, c) => (lostBefore[c + 1] = lostBefore[c]! + (u.node === null ? 1 : 0)));
  const index = new Map(st.topology.ids.map((id, i) => [id, i]));
  const events: TimedAction[] = [];
  for (const [i, e] of s.events.entries()) {
    const a = e.action;
    if (!('upload' in a)) {
      events.push(e);
      continue;
    }
    const start = firstChunk.get(i)!;
    for (let c = start; c < start + a.upload.chunks; c++) {
      const u = uploads[c]!;
      if (u.node === null) continue;
      const node = index.get(u.node);
      if (node === undefined) return undefined;
      events.push({ at: e.at, action: { upload: { node, chunks: 1, addresses: [u.address], ...batchKey(a.upload.batch) } } });
    }
  }
  const at = (c: number): number => c - lostBefore[Math.min(c, uploads.length)]!;
  return { ...st, scenario: { ...s, events: mapChunkRanges(events, at) } };
}
