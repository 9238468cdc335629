/**
 * What identifies one finding across runs: the check id, the resource, and the structured detail that tells two
 * outcomes of the same check on the same resource apart (`Outcome.key`: the file system, AZ, subnet, service, volume,
 * rule…). Never the message text, the evidence or a template line: those change with wording or unrelated edits.
 *
 * Used for SARIF `partialFingerprints`, JUnit test-case names, GitLab Code Quality fingerprints and `--baseline`.
 */
import {createRequire} from 'node:module'
import type {Finding} from './types.js'

/**
 * The scheme is hashed in, so a future scheme can never match an old baseline by accident. v1 (SARIF only, before
 * keys) hashed the check id, resource id and line.
 */
export const FINGERPRINT_SCHEME = 'v2'

type Identified = Pick<Finding, 'checkId' | 'resource' | 'key'>

/** The key's entries in a fixed order (by name), so the order a check lists them in never matters. */
export function keyEntries(key: Finding['key']): [string, string][] {
  const entries = Object.entries(key ?? {})
  return entries.length > 1 ? entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : entries
}

/** `fileSystem=fs-1 subnet=subnet-2`: the key as one readable line (empty when the resource alone identifies it). */
export function keyLabel(key: Finding['key']): string {
  return keyEntries(key).map(([k, v]) => `${k}=${v}`).join(' ')
}

/** sha256 over check id, resource type and id, and the sorted key entries (NUL-separated, so no two inputs collide). */
export function computeFingerprint(f: Identified): string {
  const head = `${FINGERPRINT_SCHEME}\u0000${f.checkId}\u0000${f.resource.type}\u0000${f.resource.id}`
  // NOTE: a key of one entry (most) is read with for…in: an Object.entries array per finding cost ~20 ms of a
  // 10,000-finding run. Several entries take keyEntries' sorted order.
  let one = ''
  let count = 0
  for (const k in f.key) {
    one += `\u0000${k}\u0000${f.key[k]}`
    count++
  }
  const keyText = count > 1 ? keyEntries(f.key).map(([k, v]) => `\u0000${k}\u0000${v}`).join('') : one
  return sha256Hex(head + keyText)
}

// NOTE: node:crypto is loaded on the first fingerprint, not with this module: it is ~20 of Node's own modules (~6 ms),
// and a table without --baseline never computes one (report-flags.ts needsFingerprints).
// A run stamps one fingerprint per finding (tens of thousands for a big cluster): the one-shot crypto.hash
// (Node ≥ 20.12) is several times cheaper than a Hash object per finding; older Node 20 releases use createHash.
/** Loads node:crypto now (for a caller with time to spare, e.g. while it waits for the grammar), not at the first fingerprint. */
export function prepareFingerprints(): void {
  sha256Hex('')
}

let sha256Hex = (text: string): string => {
  const crypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')
  const oneShot = (crypto as {hash?: (algorithm: string, data: string, encoding: 'hex') => string}).hash
  sha256Hex = oneShot ? t => oneShot('sha256', t, 'hex') : t => crypto.createHash('sha256').update(t).digest('hex')
  return sha256Hex(text)
}

/** The finding's fingerprint: the one the run stamped (reports from JSON carry it), else computed. */
export function fingerprintOf(f: Identified & {fingerprint?: string}): string {
  return f.fingerprint ?? computeFingerprint(f)
}

/**
 * Stamps every finding with its fingerprint, in place: the findings are the run's own objects (see runChecks).
 * Two findings that would share one (a check that emitted the same resource twice without a key telling them apart)
 * get `key.occurrence` 2, 3… in report order, so CI tools never merge them; test/core/identity.test.ts keeps the
 * shipped checks from relying on that.
 */
export function withFingerprints(findings: Finding[]): Finding[] {
  // NOTE: one set of fingerprints per check (the check id is hashed in, so two checks never share one), a size test
  // instead of a lookup and a store per finding, and a count only for repeats (none in the shipped checks): small
  // sets, about a third less time than one map of every fingerprint of a 20,000-finding run.
  const seen = new Map<string, Set<string>>()
  const repeats = new Map<string, number>()
  return findings.map(f => {
    const fp = computeFingerprint(f)
    let ofCheck = seen.get(f.checkId)
    if (!ofCheck) seen.set(f.checkId, ofCheck = new Set())
    const size = ofCheck.size
    // NOTE: set, not copied (`{...f, fingerprint}`): a copy per finding cost about 25 ms of a 10,000-finding run.
    if (ofCheck.add(fp).size > size) {
      f.fingerprint = fp
      return f
    }
    const n = (repeats.get(fp) ?? 1) + 1
    repeats.set(fp, n)
    const key = {...f.key, occurrence: String(n)}
    return {...f, key, fingerprint: computeFingerprint({...f, key})}
  })
}
