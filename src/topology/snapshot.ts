import { readJsonFile } from './read-json.js';
import { UsageError, show } from '../core/errors.js';
import { AddressTable, bytesToHex, hexToBytes } from './address.js';
import type { Topology } from './topology.js';

/**
 * Loads a go-ethereum p2p/simulations snapshot ({nodes: [{node: {info: {id, protocols: {bzz, hive}}}, up}],
 * conns: [{one, other, up}]}) and validates it. Every problem is a UsageError naming the file, the JSON path
 * and what was expected.
 */
export function loadSnapshot(file: string): Topology {
  return parseSnapshot(readJsonFile(file, 'a snapshot file'), file);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseSnapshot(json: unknown, file: string): Topology {
  const fail = (path: string, expected: string, got?: unknown): never => {
    throw new UsageError(file, path, expected, got === undefined ? undefined : show(got));
  };
  if (!isObj(json)) fail('$', 'an object with "nodes" and "conns"', json);
  const root = json as Obj;
  if (!Array.isArray(root.nodes)) fail('$.nodes', 'an array of nodes', root.nodes);
  const conns = root.conns ?? null;
  if (conns !== null && !Array.isArray(conns)) fail('$.conns', 'an array of connections', conns);
  if (conns === null && !('conns' in root)) fail('$.conns', 'an array of connections (may be empty)');
  const nodes = root.nodes as unknown[];
  const addrs = new AddressTable(nodes.length);
  const ids: string[] = [];
  const up: boolean[] = [];
  const index = new Map<string, number>();
  const overlays = new Set<string>();
  nodes.forEach((entry, i) => {
    const p = `$.nodes[${i}]`;
    if (!isObj(entry) || !isObj(entry.node)) fail(`${p}.node`, 'an object', isObj(entry) ? entry.node : entry);
    const node = (entry as Obj).node as Obj;
    if (!isObj(node.info)) fail(`${p}.node.info`, 'an object with the node id', node.info);
    const info = node.info as Obj;
    const id = info.id;
    if (typeof id !== 'string' || !hexToBytes(id)) fail(`${p}.node.info.id`, 'a 64-hex-digit node id', id);
    let bytes = hexToBytes(id as string)!;
    const protocols = info.protocols;
    if (protocols !== undefined && !isObj(protocols)) fail(`${p}.node.info.protocols`, 'an object', protocols);
    const bzz = protocols === undefined ? undefined : (protocols as Obj).bzz;
    if (bzz !== undefined) {
      const b = typeof bzz === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(bzz) ? Buffer.from(bzz, 'base64') : undefined;
      if (!b || b.length !== 32) fail(`${p}.node.info.protocols.bzz`, 'base64 of a 32-byte overlay address', bzz);
      bytes = Uint8Array.from(b!);
    }
    const hex = bytesToHex(bytes);
    const key = (id as string).toLowerCase();
    if (index.has(key)) fail(`${p}.node.info.id`, `a unique id (same as $.nodes[${index.get(key)}])`, id);
    if (overlays.has(hex)) fail(`${p}.node.info.protocols.bzz`, 'a unique overlay address', bzz);
    const nodeUp = (entry as Obj).up ?? node.up ?? true;
    if (typeof nodeUp !== 'boolean') fail((entry as Obj).up != null ? `${p}.up` : `${p}.node.up`, 'a boolean', nodeUp);
    index.set(key, i);
    overlays.add(hex);
    addrs.add(bytes);
    ids.push(hex);
    up.push(nodeUp as boolean);
  });
  const pairs: [number, number][] = [];
  const seen = new Set<number>();
  ((conns ?? []) as unknown[]).forEach((c, i) => {
    const p = `$.conns[${i}]`;
    if (!isObj(c)) fail(p, 'an object {one, other, up}', c);
    const ends: number[] = [];
    for (const side of ['one', 'other'] as const) {
      const v = (c as Obj)[side];
      if (typeof v !== 'string' || !hexToBytes(v)) fail(`${p}.${side}`, 'a 64-hex-digit node id', v);
      const k = index.get((v as string).toLowerCase());
      if (k === undefined) fail(`${p}.${side}`, 'the id of a node in $.nodes', v);
      ends.push(k!);
    }
    const [a, b] = ends as [number, number];
    if (a === b) fail(p, 'two different nodes (no self-loop)', (c as Obj).one);
    const key = Math.min(a, b) * nodes.length + Math.max(a, b);
    if (seen.has(key)) fail(p, 'each connection once (undirected)', `a repeat of ${ids[a]!.slice(0, 8)}-${ids[b]!.slice(0, 8)}`);
    const cup = (c as Obj).up ?? true;
    if (typeof cup !== 'boolean') fail(`${p}.up`, 'a boolean', cup);
    seen.add(key);
    if (cup) pairs.push([a, b]);
  });
  return { addrs, ids, conns: pairs, up, source: file };
}
