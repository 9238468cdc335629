/**
 * Per-run memory for pure derivations over a snapshot (e.g. the usage model), so 30 checks do not each redo them.
 * Only a snapshot `runChecks` marked with `withMemo` (its own private copy) caches; any other snapshot — a test calling
 * `check.run(s)`, then changing `s` — recomputes every time, so a cached value can never go stale.
 */
const MEMO = Symbol('efsdoctor.memo')

type Memoized = {[MEMO]?: Map<string, unknown>}

/** Marks `s` (a copy nobody else changes) so `memo` caches on it, starting with `known` (values already derived from it). */
export function withMemo<T extends object>(s: T, known: Readonly<Record<string, unknown>> = {}): T {
  Object.defineProperty(s, MEMO, {value: new Map<string, unknown>(Object.entries(known)), enumerable: false})
  return s
}

const DERIVED = Symbol('efsdoctor.derived')

type Derived = {values: Readonly<Record<string, unknown>>; inputs: (s: object) => readonly unknown[]; from: readonly unknown[]}

/**
 * Records on `s` values already derived from it (by memo key) and what they were derived from (`inputs` of `s`), for
 * a later `runChecks` of this very object (check --from: the usage model the schema-1 upgrade worked out). Hidden, so
 * a copy (`{...s}`) does not carry them; `derivedOf` drops them when an input is no longer the same value (===).
 */
export function withDerived<T extends object>(s: T, values: Readonly<Record<string, unknown>>, inputs: (s: T) => readonly unknown[]): T {
  const d: Derived = {values, inputs: inputs as (s: object) => readonly unknown[], from: inputs(s)}
  Object.defineProperty(s, DERIVED, {value: d, enumerable: false})
  return s
}

/** The values `withDerived` recorded on `s`, when what they came from is still the same; else undefined. */
export function derivedOf(s: object): Readonly<Record<string, unknown>> | undefined {
  const d = (s as {[DERIVED]?: Derived})[DERIVED]
  if (!d) return undefined
  const now = d.inputs(s)
  return now.length === d.from.length && now.every((x, i) => x === d.from[i]) ? d.values : undefined
}

/** The value a run marked `s` with under `key` (withMemo's `known`, or a memo already computed); undefined otherwise. */
export function memoed(s: object, key: string): unknown {
  return (s as Memoized)[MEMO]?.get(key)
}

export function memo<T>(s: object, key: string, compute: () => T): T {
  const cache = (s as Memoized)[MEMO]
  if (!cache) return compute()
  // NOTE: one Map lookup when the value is cached (most calls: a check asks per instance); has() only for undefined.
  let value = cache.get(key) as T | undefined
  if (value === undefined && !cache.has(key)) cache.set(key, value = compute())
  return value as T
}
