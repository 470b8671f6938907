import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Localstore, BINS, type ChunkHeads, type StoreObserver } from '../src/protocol/stream/localstore.js';

const NODE_HEAD = 0x00000000;

/** A chunk head at capped PO `po` from NODE_HEAD (first differing bit = po), with `tag` in the low bits. */
const headAt = (po: number, tag = 0): number => (po >= 16 ? tag & 0xffff : ((0x80000000 >>> po) | (tag & ((0x80000000 >>> po) - 1))) >>> 0);

/** A store for node 3 with the given chunk heads (chunk id = index). */
function store(heads: number[], observer?: StoreObserver): { ls: Localstore; chunks: ChunkHeads } {
  const chunks: ChunkHeads = { heads: Uint32Array.from(heads) };
  return { ls: new Localstore(3, NODE_HEAD, chunks, observer), chunks };
}

test('a chunk is stored in the bin of its capped 16-bit proximity to the node', () => {
  const { ls } = store([headAt(0), headAt(1), headAt(7), headAt(15), headAt(16), 0x00000001, 0x00000000, 0x0000ffff, 0xffffffff]);
  assert.is(BINS, 17);
  assert.equal([0, 1, 2, 3, 4, 5, 6, 7, 8].map((c) => ls.binOf(c)), [0, 1, 7, 15, 16, 16, 16, 16, 0]);
});

test('bin IDs start at 1 and count up by one per new chunk, separately in each bin', () => {
  const { ls } = store([headAt(2, 1), headAt(2, 2), headAt(5, 1), headAt(2, 3), headAt(5, 2)]);
  assert.equal([0, 1, 2, 3, 4].map((c) => ls.put(c)), [1, 2, 1, 3, 2]);
  assert.is(ls.cursor(2), 3);
  assert.is(ls.cursor(5), 2);
  assert.is(ls.cursor(0), 0, 'an empty bin has cursor 0');
  assert.equal([1, 2, 3].map((id) => ls.at(2, id)), [0, 1, 3]);
  assert.is(ls.size, 5);
});

test('putting a chunk that is already present returns 0 and assigns no new ID', () => {
  const { ls } = store([headAt(4, 1), headAt(4, 2)]);
  assert.is(ls.put(0), 1);
  assert.is(ls.put(0), 0);
  assert.is(ls.lastId(4), 1);
  assert.is(ls.put(1), 2, 'the next new chunk gets the next ID');
  assert.is(ls.size, 2);
});

test('removing the top entries moves the cursor down to the highest present ID, while new IDs continue from the counter', () => {
  const { ls } = store([headAt(3, 1), headAt(3, 2), headAt(3, 3), headAt(3, 4), headAt(3, 5)]);
  for (const c of [0, 1, 2, 3]) ls.put(c);
  assert.is(ls.cursor(3), 4);
  assert.ok(ls.remove(3));
  assert.is(ls.cursor(3), 3);
  assert.ok(ls.remove(2));
  assert.is(ls.cursor(3), 2);
  assert.is(ls.lastId(3), 4, 'the counter is never decremented');
  assert.is(ls.put(4), 5, 'a new chunk gets the counter + 1, not cursor + 1');
  assert.is(ls.cursor(3), 5);
});

test('removing every entry brings the cursor to 0 and a re-put chunk gets a fresh ID', () => {
  const { ls } = store([headAt(9, 1), headAt(9, 2)]);
  ls.put(0);
  ls.put(1);
  ls.remove(1);
  ls.remove(0);
  assert.is(ls.cursor(9), 0);
  assert.is(ls.size, 0);
  assert.not.ok(ls.has(0));
  assert.is(ls.put(0), 3);
  assert.is(ls.cursor(9), 3);
});

test('removal in the middle leaves a permanent gap and does not move the cursor', () => {
  const { ls } = store([headAt(6, 1), headAt(6, 2), headAt(6, 3), headAt(6, 4)]);
  for (const c of [0, 1, 2, 3]) ls.put(c);
  ls.remove(1);
  ls.remove(2);
  assert.is(ls.cursor(6), 4);
  assert.equal([1, 2, 3, 4, 5, 0, -1].map((id) => ls.at(6, id)), [0, -1, -1, 3, -1, -1, -1]);
  assert.equal(ls.list(), [0, 3]);
  ls.remove(3);
  assert.is(ls.cursor(6), 1, 'the cursor skips the whole gap below the removed top');
});

test('removing an absent chunk returns false and changes nothing', () => {
  const seen: string[] = [];
  const { ls } = store([headAt(1), headAt(1, 1)], { stored: () => seen.push('stored'), removed: () => seen.push('removed') });
  ls.put(0);
  assert.not.ok(ls.remove(1));
  ls.remove(0);
  assert.not.ok(ls.remove(0), 'removing twice');
  assert.equal(seen, ['stored', 'removed']);
  assert.is(ls.size, 0);
});

test('the observer is told of every new chunk with node, chunk, bin and ID, and of every removal', () => {
  const events: string[] = [];
  const observer: StoreObserver = {
    stored: (node, chunk, bin, binId) => events.push(`stored n${node} c${chunk} bin${bin} id${binId}`),
    removed: (node, chunk) => events.push(`removed n${node} c${chunk}`),
  };
  const { ls } = store([headAt(0), headAt(16), headAt(0, 5)], observer);
  ls.put(0);
  ls.put(1);
  ls.put(0); // already there: no event
  ls.put(2);
  ls.remove(0);
  assert.equal(events, ['stored n3 c0 bin0 id1', 'stored n3 c1 bin16 id1', 'stored n3 c2 bin0 id2', 'removed n3 c0']);
});

test('the store reads chunk heads through the holder, so a grown heads array is seen', () => {
  const { ls, chunks } = store([headAt(2)]);
  ls.put(0);
  const grown = new Uint32Array(4);
  grown.set(chunks.heads);
  grown[3] = headAt(11);
  chunks.heads = grown;
  assert.is(ls.binOf(3), 11);
  assert.is(ls.put(3), 1);
  assert.is(ls.cursor(11), 1);
});

test('a node with a non-zero address bins chunks by proximity to its own address', () => {
  const heads = { heads: Uint32Array.from([0xabcd0000, 0xabcc0000, 0x2bcd0000, 0xabcdffff]) };
  const ls = new Localstore(0, 0xabcd1234, heads, undefined);
  assert.equal([0, 1, 2, 3].map((c) => ls.binOf(c)), [16, 15, 0, 16]);
});

test('list gives all present chunks bin by bin in ID order', () => {
  const { ls } = store([headAt(5, 1), headAt(0, 1), headAt(5, 2), headAt(0, 2)]);
  for (const c of [0, 1, 2, 3]) ls.put(c);
  assert.equal(ls.list(), [1, 3, 0, 2]);
});

test.run();
