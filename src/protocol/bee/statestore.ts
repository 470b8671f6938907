import { Intervals } from '../intervals.js';
import { BINS } from './bins.js';

/** What the statestore keeps about one peer: its PO to us (from its address) and per bin its intervals. */
class PeerRecord {
  readonly bins: (Intervals | undefined)[] = new Array<Intervals | undefined>(BINS).fill(undefined);
  /** `sync_interval_epoch_<peer>`; 0 = not found */
  epoch = 0;
  constructor(readonly po: number) {}
}

/**
 * The puller's part of the statestore (pkg/puller/puller.go: peerIntervalKey, peerEpochKey): synced bin-ID
 * intervals per (peer, bin), created on first use with start 1 (getOrCreateInterval), and each peer's last
 * seen reserve epoch. It survives restarts and disconnects; a wipe of this node clears it. Peers are listed in
 * the order first seen, so iteration is deterministic. Interval semantics are intervalstore's (Add merges
 * touching ranges, Next(0) is the first gap), which src/protocol/intervals.ts implements.
 */
export class PullerStore {
  private peers = new Map<number, PeerRecord>();

  private record(peer: number, po: number): PeerRecord {
    let r = this.peers.get(peer);
    if (!r) this.peers.set(peer, (r = new PeerRecord(po)));
    return r;
  }

  /** getOrCreateInterval */
  intervals(peer: number, po: number, bin: number): Intervals {
    const r = this.record(peer, po);
    return (r.bins[bin] ??= new Intervals(1));
  }

  /** The stored intervals of (peer, bin) as ranges, [] when none (for tests and reports). */
  ranges(peer: number, bin: number): [number, number][] {
    return this.peers.get(peer)?.bins[bin]?.toArray() ?? [];
  }

  epoch(peer: number): number {
    return this.peers.get(peer)?.epoch ?? 0;
  }

  setEpoch(peer: number, po: number, epoch: number): void {
    this.record(peer, po).epoch = epoch;
  }

  /** resetPeerIntervals: every bin of one peer. */
  resetPeer(peer: number): void {
    const r = this.peers.get(peer);
    if (r) r.bins.fill(undefined);
  }

  /**
   * resetIntervals(oldRadius), on a radius decrease: peers at PO >= the old radius lose the intervals of bins
   * below it, every other peer loses all of its intervals (connected or not: it walks the whole store).
   */
  resetBelow(oldRadius: number): void {
    for (const r of this.peers.values()) {
      if (r.po >= oldRadius) r.bins.fill(undefined, 0, oldRadius);
      else r.bins.fill(undefined);
    }
  }

  /** A wipe of this node (db nuke): the statestore's puller keys are gone. */
  clear(): void {
    this.peers = new Map();
  }
}
