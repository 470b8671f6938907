import type { LinkModel } from '../net/links.js';

/**
 * The link model of every pair: the world's, and the pairs' own where a fault set one (kept across reconnects).
 * A pair is the world's integer pair key, or its two nodes.
 */
export class LinkModels {
  private world: LinkModel;
  private readonly own = new Map<number, LinkModel>();

  constructor(
    private readonly configured: LinkModel,
    private readonly key: (a: number, b: number) => number,
  ) {
    this.world = configured;
  }

  /** The model of the pair with this key (its own if one was set, else the world's); the hot path of every send. */
  of(pair: number): LinkModel {
    return this.own.size === 0 ? this.world : (this.own.get(pair) ?? this.world);
  }

  /** The model of the link between `a` and `b`. */
  between(a: number, b: number): LinkModel {
    return this.of(this.key(a, b));
  }

  /** Sets the link's own model, kept across reconnects (undefined = back to the world's). */
  set(a: number, b: number, model: LinkModel | undefined): void {
    if (model) this.own.set(this.key(a, b), model);
    else this.own.delete(this.key(a, b));
  }

  get defaults(): LinkModel {
    return this.world;
  }

  /** Sets the world's model (every pair without one of its own); undefined = the configured one. */
  setDefaults(model: LinkModel | undefined): void {
    this.world = model ?? this.configured;
  }
}
