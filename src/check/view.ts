import type { Int32Arena } from '../core/arena.js';
import type { Micros } from '../core/units.js';
import type { AddressTable } from '../topology/address.js';

/**
 * What the checkers read of a world: sizes, addresses, and (for the verdict, after the run) who is up and
 * linked. A World is one; the check thread builds another from the world's events (check/thread.ts), so the
 * checkers never need the simulation itself, only what it reported.
 */
export interface CheckWorld {
  readonly nodes: { readonly length: number };
  /** where the checkers keep their integer tables */
  readonly arena: Int32Arena;
  readonly topology: { readonly addrs: AddressTable; readonly ids: readonly string[] };
  /** chunk addresses by chunk id */
  readonly chunks: AddressTable;
  /** a chunk's postage batch (Bee's chunk identity; 0 unless its upload named one) */
  batchOf(chunk: number): number;
  readonly up: readonly boolean[];
  readonly now: Micros;
  /** the live connections at the end */
  links(): [number, number][];
  readonly engine: { readonly queue: { readonly size: number } };
}
