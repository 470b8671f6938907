import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDuration, parseBandwidth, formatBandwidth, formatMicros } from '../src/core/units.js';

test('durations with units parse to integer microseconds', () => {
  assert.is(parseDuration('0us'), 0);
  assert.is(parseDuration('250ms'), 250_000);
  assert.is(parseDuration('2s'), 2_000_000);
  assert.is(parseDuration('1.5m'), 90_000_000);
  assert.is(parseDuration('1h'), 3_600_000_000);
});

test('malformed or negative durations are rejected', () => {
  for (const bad of ['', '5', '-1s', '1 sec', 's', 5, null, '1e3s']) assert.is(parseDuration(bad), undefined, String(bad));
});

test('bandwidths parse to bytes per second', () => {
  assert.is(parseBandwidth('10MB/s'), 10_000_000);
  assert.is(parseBandwidth('1MiB/s'), 1048576);
  assert.is(parseBandwidth('unlimited'), Infinity);
  assert.is(parseBandwidth('0MB/s'), undefined);
  assert.is(parseBandwidth('fast'), undefined);
});

test('micros are rendered compactly', () => {
  assert.is(formatMicros(2_500_000), '2.5s');
  assert.is(formatMicros(120_000), '120ms');
  assert.is(formatMicros(7), '7us');
});

test('bandwidths are rendered in the units a scenario writes them in', () => {
  assert.is(formatBandwidth(200_000), '200KB/s');
  assert.is(formatBandwidth(10_000_000), '10MB/s');
  assert.is(formatBandwidth(1_500_000), '1.5MB/s');
  assert.is(formatBandwidth(1_048_576), '1MiB/s');
  assert.is(formatBandwidth(512), '512B/s');
  assert.is(formatBandwidth(Infinity), 'unlimited');
  for (const text of ['200KB/s', '10MB/s', '1MiB/s', '3GB/s']) assert.is(formatBandwidth(parseBandwidth(text)!), text, 'round trip');
});

test.run();
