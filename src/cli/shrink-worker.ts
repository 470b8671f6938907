import { parentPort } from 'node:worker_threads';
import { runProbe, type ProbeRequest } from '../scenario/shrink/probe.js';

/** A shrink worker: runs each candidate the main thread sends and answers with its probe (or the error). */
parentPort!.on('message', (m: { id: number; req: ProbeRequest }) => {
  try {
    parentPort!.postMessage({ id: m.id, probe: runProbe(m.req) });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: String((e as Error).stack ?? e) });
  }
});
