import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { stillFails, type Probe, type ProbeRequest } from '../scenario/shrink/probe.js';
import type { Candidate, Tester } from '../scenario/shrink/search.js';
import type { State } from '../scenario/shrink/state.js';

type Pending = { resolve: (p: Probe) => void; reject: (e: Error) => void };

/**
 * The candidates of a shrink run on worker threads, their outcomes cached by a hash of what makes the run (the
 * scenario file, the topology's nodes, links and up flags, the seed, what the probe reports). A round of
 * candidates goes out `jobs` at a time; the answer is the first failing one in order, whichever worker finished
 * first, and runs are counted as a one-by-one search would count them (a candidate run ahead and not needed is
 * cached, not counted): the same shrink gives the same file and the same count with any number of workers.
 */
export class ShrinkPool implements Tester {
  runs = 0;
  spent = false;
  private readonly probes = new Map<string, Promise<Probe>>();
  private readonly counted = new Set<string>();
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { id: number; req: ProbeRequest }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  property: string | undefined;

  constructor(
    private readonly jobs: number,
    private readonly maxRuns: number,
    private readonly prepare: (st: State, property: string | undefined) => ProbeRequest | undefined,
  ) {
    for (let i = 0; i < jobs; i++) {
      const w = new Worker(new URL('./shrink-worker.js', import.meta.url));
      w.on('message', (m: { id: number; probe?: Probe; error?: string }) => {
        const p = this.pending.get(m.id)!;
        this.pending.delete(m.id);
        if (m.probe) p.resolve(m.probe);
        else p.reject(new Error(`a shrink candidate's run failed: ${m.error}`));
        this.idle.push(w);
        this.dispatch();
      });
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  /** One run, counted (the first run of a shrink, which chooses the property). */
  async probe(req: ProbeRequest): Promise<Probe> {
    const key = keyOf(req);
    if (!this.counted.has(key)) (this.counted.add(key), this.runs++);
    return this.run(key, req);
  }

  async first(candidates: readonly Candidate[]): Promise<{ index: number; state: State; probe: Probe } | undefined> {
    for (let from = 0; from < candidates.length && !this.spent; from += this.jobs) {
      const batch = candidates.slice(from, from + this.jobs).map((make) => {
        const state = make();
        const req = state && this.prepare(state, this.property);
        return state && req ? { state, req, key: keyOf(req) } : undefined;
      });
      const probes = batch.map((c) => c && this.run(c.key, c.req));
      for (const [k, c] of batch.entries()) {
        if (!c) continue;
        if (!this.counted.has(c.key)) {
          if (this.runs >= this.maxRuns) {
            this.spent = true;
            return undefined;
          }
          this.counted.add(c.key);
          this.runs++;
        }
        const probe = await probes[k]!;
        if (stillFails(probe, this.property!)) return { index: from + k, state: c.state, probe };
      }
    }
    return undefined;
  }

  private run(key: string, req: ProbeRequest): Promise<Probe> {
    let p = this.probes.get(key);
    if (!p) {
      const id = this.nextId++;
      p = new Promise<Probe>((resolve, reject) => this.pending.set(id, { resolve, reject }));
      p.catch(() => undefined); // a run ahead that nobody awaits may fail unseen; whoever awaits it sees the error
      this.queue.push({ id, req });
      this.probes.set(key, p);
      this.dispatch();
    }
    return p;
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) this.idle.pop()!.postMessage(this.queue.shift()!);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** What makes a candidate's run: its file, its topology (not where it came from), seed and what is asked. */
function keyOf(req: ProbeRequest): string {
  const { source: _where, ...topology } = req.topology;
  return createHash('sha256').update(JSON.stringify({ ...req, topology })).digest('hex');
}
