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

export function memo<T>(s: object, key: string, compute: () => T): T {
  const cache = (s as Memoized)[MEMO]
  if (!cache) return compute()
  // NOTE: one Map lookup when the value is cached (most calls: a check asks per instance); has() only for undefined.
  let value = cache.get(key) as T | undefined
  if (value === undefined && !cache.has(key)) cache.set(key, value = compute())
  return value as T
}
