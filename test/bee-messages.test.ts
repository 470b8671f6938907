import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BEE_MSG_NAMES, BeeMsg, PLACEHOLDER, StreamKind, deliveredChunk, varintSize, wireSize, type BeeMessage } from '../src/protocol/bee/messages.js';

test('every message type has a name, in type order', () => {
  assert.is(BEE_MSG_NAMES.length, Object.keys(BeeMsg).length);
  for (const [name, type] of Object.entries(BeeMsg)) assert.is(BEE_MSG_NAMES[type], name);
});

test('varints take 7 bits a byte', () => {
  assert.equal([0, 127, 128, 16_383, 16_384, 2 ** 32].map(varintSize), [1, 1, 2, 2, 3, 5]);
});

test('a delivery weighs a chunk (4 KiB + span), its address and stamp; a placeholder only an address', () => {
  const full = wireSize({ type: BeeMsg.Delivery, stream: 1, chunk: 7 });
  assert.is(full, 12 + 2 + (34 + 4107 + 115), 'frame, length prefix, Address, Data, Stamp');
  assert.is(wireSize({ type: BeeMsg.Delivery, stream: 1, chunk: PLACEHOLDER }), 12 + 1 + 34);
});

test('an offer costs 104 bytes an entry (address, batch id, stamp hash) plus its topmost', () => {
  const offer = (n: number, topmost: number): BeeMessage => ({ type: BeeMsg.Offer, stream: 1, topmost, chunks: Array.from({ length: n }, (_, i) => i) });
  assert.is(wireSize(offer(250, 300)) - wireSize(offer(249, 300)), 104);
  assert.is(wireSize(offer(1, 1)), 12 + 1 + 2 + 104);
});

test('an Ack packs 32 cursors as varints and the epoch; Get, Want and stream frames are small', () => {
  const zeros = wireSize({ type: BeeMsg.Ack, stream: 1, cursors: new Array<number>(32).fill(0), epoch: 0 });
  assert.is(zeros, 12 + 1 + 2 + 32);
  const big = wireSize({ type: BeeMsg.Ack, stream: 1, cursors: new Array<number>(32).fill(200), epoch: 1_700_000_000 });
  assert.is(big, 12 + 1 + 2 + 64 + 1 + 5);
  assert.is(wireSize({ type: BeeMsg.Get, stream: 1, bin: 0, start: 1 }), 12 + 1 + 2);
  assert.is(wireSize({ type: BeeMsg.Want, stream: 1, bits: new Uint8Array(32) }), 12 + 1 + 34);
  assert.is(wireSize({ type: BeeMsg.Open, stream: 1, kind: StreamKind.Pullsync }), 65);
  assert.is(wireSize({ type: BeeMsg.Reset, stream: 1, byOpener: true }), 12);
});

test('only a delivery carries a chunk to the receiver', () => {
  assert.is(deliveredChunk({ type: BeeMsg.Delivery, stream: 1, chunk: 42 }), 42);
  assert.is(deliveredChunk({ type: BeeMsg.Delivery, stream: 1, chunk: PLACEHOLDER }), PLACEHOLDER);
  assert.is(deliveredChunk({ type: BeeMsg.Offer, stream: 1, topmost: 1, chunks: [42] }), PLACEHOLDER);
});

test.run();
