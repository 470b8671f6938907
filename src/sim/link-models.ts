import type { LinkModel } from '../net/links.js';

/**
 * The link model of every pair: the world's, and the pairs' own where a fault set one (kept across reconnects).
 * Pairs are the world's integer pair keys.
 */
export class LinkModels {
  private world: LinkModel;
  private readonly own = new Map<number, LinkModel>();

  constructor(private readonly configured: LinkModel) {
    this.world = configured;
  }

  /** The pair's model (its own if one was set, else the world's); the hot path of every send. */
  of(pair: number): LinkModel {
    return this.own.size === 0 ? this.world : (this.own.get(pair) ?? this.world);
  }

  /** Sets the pair's own model (undefined = back to the world's). */
  set(pair: number, model: LinkModel | undefined): void {
    if (model) this.own.set(pair, model);
    else this.own.delete(pair);
  }

  get defaults(): LinkModel {
    return this.world;
  }

  /** Sets the world's model (every pair without one of its own); undefined = the configured one. */
  setDefaults(model: LinkModel | undefined): void {
    this.world = model ?? this.configured;
  }
}
