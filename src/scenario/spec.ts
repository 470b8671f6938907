import { UsageError, show } from '../core/errors.js';

/**
 * A declarative schema for JSON input, as small combinators: each spec parses one value (or throws a UsageError
 * naming the file, the JSON path and what was expected), gives a valid example, and lists values it must reject.
 * The scenario format (schema.ts) is written with them, so its documentation and the bad-input test suite are
 * generated from the same definitions that validate files.
 */
export interface Spec<T> {
  /** what a valid value looks like, as error messages say it ("an integer from 1 to 4096") */
  readonly expected: string;
  parse(v: unknown, path: string, file: string): T;
  /** a valid value */
  example(): unknown;
  /** values this spec must reject; `at` is the path below this value where the error is reported (default: here) */
  bad(): Bad[];
  /** an object's fields (documentation and the bad-input suite walk them) */
  readonly fields?: Readonly<Record<string, Field<unknown>>>;
  /** a variant's alternatives: one key names the alternative, beside the shared fields */
  readonly alternatives?: Readonly<Record<string, Spec<unknown>>>;
  /** a list's items */
  readonly item?: Spec<unknown>;
}

export interface Bad {
  value: unknown;
  at?: string;
}

/** A field of an object: its spec, whether it may be left out, and the default it then takes (for the docs). */
export interface Field<T> {
  readonly spec: Spec<T>;
  readonly required: boolean;
  readonly default?: T;
  /** the default as documentation shows it, when it is not simply `default` */
  readonly defaultDoc?: string;
  readonly doc: string;
}

export function fail(file: string, path: string, expected: string, got?: unknown): never {
  throw new UsageError(file, path, expected, got === undefined ? 'nothing (the key is missing)' : show(got));
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A spec from a parse function (the building block of the others). */
export function custom<T>(expected: string, parse: (v: unknown, path: string, file: string) => T, example: unknown, bad: Bad[]): Spec<T> {
  return { expected, parse, example: () => example, bad: () => bad };
}

export function int(min: number, max = Number.MAX_SAFE_INTEGER): Spec<number> {
  const expected = `an integer from ${min} to ${max}`;
  const bad: Bad[] = [{ value: 1.5 }, { value: String(min) }, { value: true }, { value: null }];
  if (min > Number.MIN_SAFE_INTEGER) bad.push({ value: min - 1 });
  if (max < Number.MAX_SAFE_INTEGER) bad.push({ value: max + 1 });
  else bad.push({ value: 2 ** 60 });
  return custom(expected, (v, path, file) => (Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? (v as number) : fail(file, path, expected, v)), min, bad);
}

export const bool: Spec<boolean> = custom('true or false', (v, path, file) => (typeof v === 'boolean' ? v : fail(file, path, 'true or false', v)), false, [{ value: 'yes' }, { value: 1 }, { value: null }]);

export function oneOf<T extends string>(values: readonly T[]): Spec<T> {
  const expected = values.length === 2 ? `"${values[0]}" or "${values[1]}"` : `one of ${values.map((x) => `"${x}"`).join(', ')}`;
  return custom(expected, (v, path, file) => ((values as readonly unknown[]).includes(v) ? (v as T) : fail(file, path, expected, v)), values[0], [{ value: 'nope' }, { value: 1 }, { value: null }]);
}

export function str(expected = 'a string', pattern?: RegExp, bad: Bad[] = []): Spec<string> {
  return custom(expected, (v, path, file) => (typeof v === 'string' && (!pattern || pattern.test(v)) ? v : fail(file, path, expected, v)), 'x', [{ value: 5 }, { value: null }, ...bad]);
}

/** A value parsed from a string by `read` (durations, bandwidths, rates); undefined from `read` is an error. */
export function textual<T>(expected: string, read: (v: unknown) => T | undefined, example: string, bad: unknown[]): Spec<T> {
  return custom(expected, (v, path, file) => read(v) ?? fail(file, path, expected, v), example, [...bad.map((value) => ({ value })), { value: null }, { value: 5 }]);
}

/** `null` is a value of its own (e.g. "never"), distinct from a missing key. */
export function nullable<T>(spec: Spec<T>): Spec<T | null> {
  return { ...spec, expected: `${spec.expected}, or null`, parse: (v, path, file) => (v === null ? null : spec.parse(v, path, file)), bad: () => spec.bad().filter((b) => b.value !== null || b.at !== undefined) };
}

export function list<T>(item: Spec<T>, expected = `an array of ${item.expected.replace(/^an? /, '')}s`, opts: { min?: number; max?: number } = {}): Spec<T[]> {
  const min = opts.min ?? 0;
  const max = opts.max ?? Infinity;
  return {
    expected,
    item,
    parse(v, path, file) {
      if (!Array.isArray(v)) return fail(file, path, expected, v);
      if (v.length < min || v.length > max) fail(file, path, `${expected} (${max === Infinity ? `at least ${min}` : min === max ? `exactly ${min}` : `${min} to ${max}`} of them)`, `${v.length}`);
      return v.map((x, i) => item.parse(x, `${path}[${i}]`, file));
    },
    example: () => Array.from({ length: Math.max(min, 1) }, () => item.example()),
    bad: () => [
      { value: 'x' },
      { value: {} },
      ...item.bad().map((b) => ({ value: [...Array.from({ length: Math.max(min, 1) - 1 }, () => item.example()), b.value], at: `[${Math.max(min, 1) - 1}]${b.at ?? ''}` })),
      ...(min > 0 ? [{ value: [] }] : []),
    ],
  };
}

/** A field that must be present. */
export function required<T>(spec: Spec<T>, doc: string): Field<T> {
  return { spec, required: true, doc };
}

/** A field that may be left out; it then takes `def`, or stays undefined for the parent to decide (`defaultDoc`). */
export function optional<T>(spec: Spec<T>, doc: string): Field<T | undefined>;
export function optional<T>(spec: Spec<T>, doc: string, def: T | undefined, defaultDoc?: string): Field<T>;
export function optional<T>(spec: Spec<T>, doc: string, def?: T, defaultDoc?: string): Field<T> {
  return { spec, required: false, ...(def !== undefined ? { default: def } : {}), ...(defaultDoc !== undefined ? { defaultDoc } : {}), doc };
}

type FieldOut<F> = F extends Field<infer T> ? T : never;
export type ObjectOut<F extends Record<string, Field<unknown>>> = { [K in keyof F]: FieldOut<F[K]> };

/**
 * An object with known fields only: an unknown key, a missing required one or a bad value is an error at its
 * path. Optional fields left out take their default (or stay undefined). `check` adds rules across fields.
 */
export function object<F extends Record<string, Field<unknown>>>(
  fields: F,
  expected = 'an object',
  check?: (o: ObjectOut<F>, path: string, file: string, raw: Record<string, unknown>) => void,
  /** a valid value, where the required fields alone are not one (the check needs more) */
  example?: Record<string, unknown>,
): Spec<ObjectOut<F>> {
  const keys = Object.keys(fields);
  return {
    expected,
    fields,
    parse(v, path, file) {
      if (!isObj(v)) return fail(file, path, expected, v);
      for (const k of Object.keys(v)) if (!(k in fields)) fail(file, `${path}.${k}`, `one of the known keys (${keys.join(', ')})`, k);
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        const f = fields[k]!;
        if (v[k] === undefined) {
          if (f.required) fail(file, `${path}.${k}`, f.spec.expected);
          out[k] = f.default;
        } else out[k] = f.spec.parse(v[k], `${path}.${k}`, file);
      }
      check?.(out as ObjectOut<F>, path, file, v);
      return out as ObjectOut<F>;
    },
    example: () => example ?? Object.fromEntries(keys.filter((k) => fields[k]!.required).map((k) => [k, fields[k]!.spec.example()])),
    bad: () => [{ value: [] }, { value: 'x' }, { value: null }],
  };
}

/**
 * An object of shared fields plus exactly one key that names an alternative (e.g. an event: `at` and one verb).
 */
export function variant<F extends Record<string, Field<unknown>>, A extends Record<string, Spec<unknown>>>(shared: F, alternatives: A, expected: string): Spec<ObjectOut<F> & { key: keyof A & string; body: unknown }> {
  const names = Object.keys(alternatives);
  const all = [...Object.keys(shared), ...names];
  const sharedExample = () => Object.fromEntries(Object.entries(shared).filter(([, f]) => f.required).map(([k, f]) => [k, f.spec.example()]));
  return {
    expected,
    fields: shared,
    alternatives,
    parse(v, path, file) {
      if (!isObj(v)) return fail(file, path, expected, v);
      for (const k of Object.keys(v)) if (!all.includes(k)) fail(file, `${path}.${k}`, `one of ${all.join(', ')}`, k);
      const chosen = Object.keys(v).filter((k) => names.includes(k));
      if (chosen.length !== 1) fail(file, path, `${Object.keys(shared).map((k) => `"${k}"`).join(', ')} and exactly one of ${names.join(', ')}`, chosen.join(',') || 'none');
      const out: Record<string, unknown> = {};
      for (const [k, f] of Object.entries(shared)) {
        if (v[k] === undefined) {
          if (f.required) fail(file, `${path}.${k}`, f.spec.expected);
          out[k] = f.default;
        } else out[k] = f.spec.parse(v[k], `${path}.${k}`, file);
      }
      const key = chosen[0]!;
      return { ...(out as ObjectOut<F>), key, body: alternatives[key]!.parse(v[key], `${path}.${key}`, file) };
    },
    example: () => ({ ...sharedExample(), [names[0]!]: alternatives[names[0]!]!.example() }),
    bad: () => [
      { value: [] },
      { value: null },
      { value: sharedExample() },
      { value: { ...sharedExample(), [names[0]!]: alternatives[names[0]!]!.example(), [names[1]!]: alternatives[names[1]!]!.example() } },
      { value: { ...sharedExample(), [`${names[0]!}x`]: alternatives[names[0]!]!.example() }, at: `.${names[0]!}x` },
    ],
  };
}
