import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MS, SECOND } from '../src/core/units.js';
import { BeeMsg, PLACEHOLDER, StreamKind, type Ack, type Delivery } from '../src/protocol/bee/messages.js';
import { EPOCH_BASE } from '../src/protocol/bee/reserve.js';
import { BeeProbe } from './helpers/bee-probe.js';

test('a Get for history answers at once with a full page of 250 from Start, topmost the last ID offered', () => {
  const p = new BeeProbe(0x12345678);
  const chunks = p.fill(3, 300);
  const s = p.get(100, 3, 11);
  const offer = p.offer(s);
  assert.ok(offer, 'offered without waiting');
  assert.is(offer!.time, 0);
  assert.equal(offer!.msg.chunks, chunks.slice(10, 260), 'bin IDs 11..260');
  assert.is(offer!.msg.topmost, 260);
});

test('a page that does not fill ends one pageTimeout after its last chunk; later chunks are not in it', () => {
  const p = new BeeProbe(0x12345678);
  const [a, b] = p.fill(5, 2);
  const s = p.get(100, 5, 1);
  p.runFor(500 * MS);
  const c = p.fill(5, 1)[0]!;
  p.runFor(999 * MS);
  assert.not.ok(p.offer(s), 'the third chunk reset the timer: no offer 1.499 s in');
  p.runFor(2 * MS);
  const offer = p.offer(s)!;
  assert.is(offer.time, 1500 * MS, 'the offer goes 1 s after the last chunk');
  assert.equal(offer.msg.chunks, [a, b, c]);
  p.fill(5, 1);
  p.runFor(2 * SECOND);
  assert.is(p.on(s, BeeMsg.Offer).length, 1, 'one offer per exchange');
});

test('a Get past the last bin ID waits for the first chunk without limit (live sync)', () => {
  const p = new BeeProbe(0x12345678);
  p.fill(7, 2);
  const s = p.get(100, 7, 3);
  p.runFor(3600 * SECOND);
  assert.not.ok(p.offer(s), 'nothing offered in an hour');
  const c = p.fill(7, 1)[0]!;
  p.runFor(2 * SECOND);
  const offer = p.offer(s)!;
  assert.is(offer.time, 3601 * SECOND);
  assert.equal(offer.msg.chunks, [c]);
  assert.is(offer.msg.topmost, 3);
});

test('identical (bin, start) requests from two peers share one page; another start is a page of its own', () => {
  const p = new BeeProbe(0x12345678);
  p.fill(2, 3);
  const s1 = p.get(100, 2, 1);
  p.runFor(400 * MS);
  const s2 = p.get(101, 2, 1);
  const s3 = p.get(102, 2, 2);
  p.runFor(2 * SECOND);
  const [o1, o2, o3] = [p.offer(s1)!, p.offer(s2)!, p.offer(s3)!];
  assert.is(o1.msg.chunks, o2.msg.chunks, 'the very same page');
  assert.is(o2.time, o1.time, 'the second peer joined the page under way and got it when it ended');
  assert.is(o1.time, 1 * SECOND);
  assert.is(o3.time, 1400 * MS, 'start 2 collected its own page, 1 s after it began');
  assert.is(o3.msg.chunks.length, 2);
});

test('deliveries follow the Want, each chunk a message, after the per-peer limiter (250/s, burst 250)', () => {
  const p = new BeeProbe(0x12345678);
  p.fill(4, 250);
  const all = Array.from({ length: 250 }, (_, i) => i);
  const s1 = p.get(100, 4, 1);
  p.want(100, s1, all, 250);
  assert.is(p.on(s1, BeeMsg.Delivery).length, 250, 'a full bucket sends at once');
  const s2 = p.get(100, 4, 1);
  p.want(100, s2, all, 250);
  assert.is(p.on(s2, BeeMsg.Delivery).length, 0, 'an empty bucket holds the next 250');
  const s3 = p.get(101, 4, 1);
  p.want(101, s3, [0, 5], 250);
  assert.is(p.on(s3, BeeMsg.Delivery).length, 2, 'another peer has a bucket of its own');
  p.runFor(999 * MS);
  assert.is(p.on(s2, BeeMsg.Delivery).length, 0);
  p.runFor(1 * MS);
  assert.is(p.on(s2, BeeMsg.Delivery).length, 250, '250 tokens refill in 1 s');
});

test('an offered chunk gone by the Want goes out as a zero-address placeholder, the rest as usual', () => {
  const p = new BeeProbe(0x12345678);
  const [a, b, c] = p.fill(6, 3);
  const s = p.get(100, 6, 1);
  p.runFor(SECOND);
  p.node.removeChunk(b!);
  p.want(100, s, [0, 1, 2], 3);
  const sent = p.on(s, BeeMsg.Delivery).map((r) => (r.msg as Delivery).chunk);
  assert.equal(sent, [a, PLACEHOLDER, c]);
  assert.is(p.on(s, BeeMsg.Reset).length, 0);
});

test('a chunk whose data is lost is still offered (the index lists it) and goes out as a placeholder', () => {
  const p = new BeeProbe(0x12345678);
  const [a, b] = p.fill(6, 2);
  p.node.loseData(a!);
  const s = p.get(100, 6, 1);
  p.runFor(SECOND);
  assert.equal(p.offer(s)!.msg.chunks, [a, b]);
  p.want(100, s, [0, 1], 2);
  assert.equal(p.on(s, BeeMsg.Delivery).map((r) => (r.msg as Delivery).chunk), [PLACEHOLDER, b]);
});

test('bee-4337: a wanted chunk the server cannot read resets the stream and nothing is delivered', () => {
  const p = new BeeProbe(0x12345678, { mutants: ['bee-4337'] });
  const [, b] = p.fill(6, 3);
  const s = p.get(100, 6, 1);
  p.runFor(SECOND);
  p.node.removeChunk(b!);
  p.want(100, s, [0, 1, 2], 3);
  assert.is(p.on(s, BeeMsg.Delivery).length, 0);
  assert.equal(p.on(s, BeeMsg.Reset).map((r) => r.msg), [{ type: BeeMsg.Reset, stream: s, byOpener: false }]);
});

test('a Want of no chunk still takes a token; an opener reset ends a page nobody else waits for', () => {
  const p = new BeeProbe(0x12345678);
  p.fill(1, 1);
  const s = p.get(100, 1, 5);
  p.node.handle(p.peer(100), { type: BeeMsg.Reset, stream: s, byOpener: true });
  p.fill(1, 10);
  p.runFor(3 * SECOND);
  assert.not.ok(p.offer(s), 'the reset stream gets no offer');
  assert.is(p.node.server.pending(), '', 'no page is left collecting');
});

test('the cursors stream answers Syn with the 32 bins last IDs and the reserve epoch', () => {
  const p = new BeeProbe(0x12345678);
  p.fill(0, 2);
  p.fill(9, 5);
  const peer = p.peer(100);
  p.node.handle(peer, { type: BeeMsg.Open, stream: 7, kind: StreamKind.Cursors });
  p.node.handle(peer, { type: BeeMsg.Syn, stream: 7 });
  assert.is(p.replies[0]!.msg.type, BeeMsg.Opened, 'the headers are answered first');
  const ack = p.on(7, BeeMsg.Ack)[0]!.msg as Ack;
  assert.is(ack.cursors.length, 32);
  assert.is(ack.cursors[0], 2);
  assert.is(ack.cursors[9], 5);
  assert.is(ack.cursors.reduce((x, y) => x + y, 0), 7);
  assert.is(ack.epoch, EPOCH_BASE, 'a reserve created at virtual time 0');
});

test.run();
