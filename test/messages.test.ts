import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHUNK_BYTES, HASH_BYTES, LIVE, MSG_NAMES, MsgType, decodeWants, encodeWants, wireSize, type Message } from '../src/protocol/stream/messages.js';

const wantAll = (): boolean => true;

test('message codes are the Go wire codes, with names in code order', () => {
  assert.equal(
    [MsgType.StreamInfoReq, MsgType.StreamInfoRes, MsgType.GetRange, MsgType.OfferedHashes, MsgType.ChunkDelivery, MsgType.WantedHashes],
    [0, 1, 2, 3, 4, 5],
  );
  for (const [name, code] of Object.entries(MsgType)) assert.is(MSG_NAMES[code], name);
});

test('a bit vector for n hashes has floor(n/8)+1 bytes, one extra byte even when n is a multiple of 8', () => {
  for (const [n, len] of [[1, 1], [7, 1], [8, 2], [9, 2], [15, 2], [16, 3], [63, 8], [64, 9], [128, 17]] as const) {
    assert.is(encodeWants(n, wantAll).length, len, `n=${n}`);
  }
});

test('bit i is set in byte i/8 with mask 1<<(i%8), least significant bit first', () => {
  assert.equal([...encodeWants(8, (i) => i === 0)], [0b00000001, 0]);
  assert.equal([...encodeWants(8, (i) => i === 7)], [0b10000000, 0]);
  assert.equal([...encodeWants(10, (i) => i === 8 || i === 1)], [0b00000010, 0b00000001]);
  assert.equal([...encodeWants(12, (i) => i % 3 === 0)], [0b01001001, 0b00000010]);
  assert.equal([...encodeWants(5, () => false)], [0]);
  assert.equal([...encodeWants(8, wantAll)], [0xff, 0], 'no bit beyond n is set');
});

test('decoding gives back exactly the wanted indices', () => {
  for (const n of [1, 7, 8, 9, 31, 64]) {
    const wanted = (i: number): boolean => (i * 7 + n) % 3 !== 0;
    const expected = Array.from({ length: n }, (_, i) => i).filter(wanted);
    assert.equal(decodeWants(encodeWants(n, wanted), n), expected, `n=${n}`);
  }
});

test('decoding rejects a vector too short for the offered hashes', () => {
  assert.is(decodeWants(new Uint8Array(1), 9), undefined);
  assert.is(decodeWants(new Uint8Array(8), 65), undefined);
  assert.is(decodeWants(new Uint8Array(0), 1), undefined);
  assert.equal(decodeWants(new Uint8Array([0xff]), 8), [0, 1, 2, 3, 4, 5, 6, 7], 'exactly 8 bits for 8 hashes is enough');
  assert.equal(decodeWants(new Uint8Array([0xff, 0xff]), 3), [0, 1, 2], 'bits beyond n are ignored');
});

test('an offer weighs 32 more bytes for every hash', () => {
  const offer = (n: number): Message => ({ type: MsgType.OfferedHashes, ruid: 1, lastIndex: n, hashes: Array.from({ length: n }, (_, i) => i) });
  assert.is(HASH_BYTES, 32);
  for (const n of [0, 1, 2, 63]) assert.is(wireSize(offer(n + 1)) - wireSize(offer(n)), 32, `n=${n}`);
  assert.is(wireSize(offer(64)) - wireSize(offer(0)), 64 * 32);
});

test('a chunk delivery weighs 4136 more bytes for every chunk (address 32 + span 8 + data 4096)', () => {
  const delivery = (n: number): Message => ({ type: MsgType.ChunkDelivery, ruid: 1, chunks: Array.from({ length: n }, (_, i) => i) });
  assert.is(CHUNK_BYTES, 4136);
  for (const n of [0, 1, 15]) assert.is(wireSize(delivery(n + 1)) - wireSize(delivery(n)), 4136, `n=${n}`);
  assert.is(wireSize(delivery(16)) - wireSize(delivery(0)), 16 * 4136);
});

test('a wanted-hashes message weighs one more byte per bit-vector byte, and a live GetRange is lighter than a bounded one', () => {
  const want = (len: number): Message => ({ type: MsgType.WantedHashes, ruid: 1, bits: new Uint8Array(len) });
  assert.is(wireSize(want(9)) - wireSize(want(0)), 9);
  const range = (to: number): Message => ({ type: MsgType.GetRange, ruid: 1, bin: 0, from: 1, to, batchSize: 64 });
  assert.ok(wireSize(range(LIVE)) < wireSize(range(100)));
});

test('every message has a positive size, and stream lists grow with the number of bins', () => {
  const msgs: Message[] = [
    { type: 0, bins: [0, 1] },
    { type: 1, bins: [0, 1], cursors: [5, 6] },
    { type: 2, ruid: 1, bin: 3, from: 1, to: LIVE, batchSize: 64 },
    { type: 3, ruid: 1, lastIndex: 0, hashes: [] },
    { type: 4, ruid: 1, chunks: [] },
    { type: 5, ruid: 1, bits: new Uint8Array(0) },
    { type: 6, ruid: 1, lastIndex: 9 },
    { type: 7, ruid: 1, bin: 0, live: true, code: 1 },
  ];
  for (const m of msgs) assert.ok(wireSize(m) > 0, MSG_NAMES[m.type]);
  assert.ok(wireSize({ type: 0, bins: [0, 1, 2] }) > wireSize({ type: 0, bins: [0, 1] }));
  assert.ok(wireSize({ type: 1, bins: [0, 1, 2], cursors: [1, 2, 3] }) > wireSize({ type: 1, bins: [0, 1], cursors: [1, 2] }));
});

test.run();
