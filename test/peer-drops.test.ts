import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PeerDrops } from '../src/check/drops.js';

test('protocol drops are counted per node and per pair with the last reason; the scenario\'s disconnects and stops are not drops', () => {
  const d = new PeerDrops(5);
  d.disconnected(1, 3, 'unsolicited chunk');
  d.disconnected(3, 1, 'batch timeout');
  d.disconnected(2, 4, 'ruid not found');
  d.disconnected(0, 1, 'disconnected by scenario');
  d.disconnected(0, 2, 'node stopped');
  assert.equal(d.toJSON(), { byNode: [0, 2, 1, 2, 1], pairs: [[1, 3, 2, 'batch timeout'], [2, 4, 1, 'ruid not found']] });
});

test.run();
