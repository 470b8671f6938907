import type { Spec } from '../../src/scenario/spec.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A document with one thing wrong, and the JSON path its error must name. */
export interface BadDoc {
  what: string;
  doc: unknown;
  path: string;
}

/**
 * Every bad document the schema itself describes, around one valid document: each value a spec rejects, put at its
 * place; each object with an unknown key; each required key left out; for a variant (an event), each alternative's
 * fields the same way. `set` puts a value at `path` and returns the whole document.
 */
export function badDocs(spec: Spec<unknown>, path: string, value: unknown, set: (v: unknown) => unknown): BadDoc[] {
  const out: BadDoc[] = spec.bad().map((b) => ({ what: `${path} = ${JSON.stringify(b.value)}`, doc: set(b.value), path: path + (b.at ?? '') }));
  const here = isObj(value) ? value : {};
  if (spec.item) {
    // the first item of the list, each of its bad forms (the list keeps its other items)
    const items = Array.isArray(value) && value.length > 0 ? value : [spec.item.example()];
    out.push(...badDocs(spec.item, `${path}[0]`, items[0], (v) => set([v, ...items.slice(1)])));
  }
  if (spec.fields && !spec.alternatives) {
    out.push({ what: `${path} with an unknown key`, doc: set({ ...here, zzUnknown: 1 }), path: `${path}.zzUnknown` });
    for (const [k, f] of Object.entries(spec.fields)) {
      const child = here[k] ?? f.spec.example();
      out.push(...badDocs(f.spec, `${path}.${k}`, child, (v) => set({ ...here, [k]: v })));
      if (f.required) {
        const { [k]: _gone, ...rest } = here;
        out.push({ what: `${path} without its required key ${k}`, doc: set(rest), path: `${path}.${k}` });
      }
    }
  }
  if (spec.alternatives && spec.fields) {
    const shared = Object.fromEntries(Object.entries(spec.fields).filter(([, f]) => f.required).map(([k, f]) => [k, f.spec.example()]));
    const first = Object.entries(spec.alternatives)[0]!;
    for (const [k, f] of Object.entries(spec.fields)) {
      const base = { ...shared, [first[0]]: first[1].example() };
      out.push(...badDocs(f.spec, `${path}.${k}`, base[k], (v) => set({ ...base, [k]: v })));
    }
    for (const [name, alt] of Object.entries(spec.alternatives)) {
      const base = { ...shared, [name]: alt.example() };
      out.push(...badDocs(alt, `${path}.${name}`, base[name], (v) => set({ ...base, [name]: v })));
    }
  }
  return out;
}
