/** The discipline checker's table of open GetRanges: keys, ruid chains across servers, reuse of rows. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OpenRanges } from '../src/check/stream/ranges.js';

test('an answer closes the request of its server and ruid, and frees the key', () => {
  const r = new OpenRanges(3);
  const out: [number, number, number] = [0, 0, 0];
  r.open(0, 1, 10, 777, 1, 64);
  assert.is(r.openRuid(0, 10), 777);
  assert.is(r.openRuid(1, 10), -1, 'another client has nothing open');
  assert.not.ok(r.close(0, 2, 777, out), 'the same ruid from another server answers nothing');
  assert.ok(r.close(0, 1, 777, out));
  assert.equal(out, [1, 64, 10]);
  assert.is(r.openRuid(0, 10), -1);
  assert.not.ok(r.close(0, 1, 777, out), 'answered once only');
});

test('two servers that see the same ruid from one client are told apart', () => {
  const r = new OpenRanges(1);
  const out: [number, number, number] = [0, 0, 0];
  r.open(0, 1, 10, 5, 1, 10);
  r.open(0, 2, 20, 5, 7, Infinity);
  r.open(0, 3, 30, 5, 3, 4);
  assert.ok(r.close(0, 2, 5, out), 'middle of the chain');
  assert.equal(out, [7, Infinity, 20]);
  assert.ok(r.close(0, 3, 5, out), 'head of the chain');
  assert.equal(out, [3, 4, 30]);
  assert.ok(r.close(0, 1, 5, out), 'last one');
  assert.equal(out, [1, 10, 10]);
  assert.not.ok(r.close(0, 1, 5, out));
});

test('a second request for an open key takes the key; the first still closes on its answer', () => {
  const r = new OpenRanges(1);
  const out: [number, number, number] = [0, 0, 0];
  r.open(0, 1, 10, 100, 1, 5);
  r.open(0, 1, 10, 200, 6, 9);
  assert.is(r.openRuid(0, 10), 200);
  assert.ok(r.close(0, 1, 100, out));
  assert.is(r.openRuid(0, 10), 200, 'the answer to the first does not free the second');
  assert.ok(r.close(0, 1, 200, out));
  assert.is(r.openRuid(0, 10), -1);
});

test('forgetting keys on disconnect drops their requests; rows are reused past the first growth', () => {
  const r = new OpenRanges(1);
  const out: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < 3000; i++) r.open(0, 1, i, i, i, i + 1);
  r.forget(0, [5, 6, 99999]);
  assert.is(r.openRuid(0, 5), -1);
  assert.not.ok(r.close(0, 1, 5, out), 'a forgotten request is not answered');
  assert.ok(r.close(0, 1, 2999, out));
  assert.equal(out, [2999, 3000, 2999]);
  for (let i = 0; i < 3; i++) r.open(0, 1, 5000 + i, 9000 + i, 0, 1);
  assert.is(r.openRuid(0, 5002), 9002);
  assert.ok(r.close(0, 1, 9001, out));
  assert.is(r.openRuid(0, 4), 4, 'untouched requests stay open');
});

test('ruids that share a table key (they differ in the lowest bit), and the largest uint32 ruid, are told apart', () => {
  const r = new OpenRanges(1);
  const out: [number, number, number] = [0, 0, 0];
  r.open(0, 1, 10, 6, 1, 2);
  r.open(0, 1, 20, 7, 3, 4);
  r.open(0, 1, 30, 0xffffffff, 5, 6);
  r.open(0, 1, 40, 0xfffffffe, 7, 8);
  assert.ok(r.close(0, 1, 7, out));
  assert.equal(out, [3, 4, 20]);
  assert.ok(r.close(0, 1, 0xffffffff, out));
  assert.equal(out, [5, 6, 30]);
  assert.ok(r.close(0, 1, 6, out));
  assert.equal(out, [1, 2, 10]);
  assert.is(r.openRuid(0, 40), 0xfffffffe);
});

test.run();
