import type {Check, Fix, Location, Outcome, Resource, Severity} from './types.js'
import {memoed} from './memo.js'

/** Identity helper that gives a check literal its type (and one place to add invariants later). */
export function defineCheck(check: Check): Check {
  return check
}

interface Extra {
  evidence?: Record<string, unknown>
  location?: Location
  severity?: Severity
  /** What tells this outcome apart from the check's others on the same resource (see Outcome.key). */
  key?: Record<string, string>
}

export const pass = (resource: Resource, message: string, extra: Extra = {}): Outcome =>
  ({status: 'pass', resource, message, ...extra})

export const fail = (resource: Resource, message: string, fix: Fix, extra: Extra = {}): Outcome =>
  ({status: 'fail', resource, message, fix, ...extra})

export const unknown = (resource: Resource, message: string, extra: Extra = {}): Outcome =>
  ({status: 'unknown', resource, message, ...extra})

export const skipped = (resource: Resource, message: string, extra: Extra = {}): Outcome =>
  ({status: 'skipped', resource, message, ...extra})

/** The outcome with `key` entries added (the outcome's own entries win): for loops that own part of the identity. */
export const keyed = (o: Outcome, key: Record<string, string>): Outcome => ({...o, key: {...key, ...o.key}})

/** Memo key runChecks sets when the run only counts passes (RunOptions.countPasses). */
export const ONLY_COUNTS_PASSES = 'run:onlyCountsPasses'

/** Whether the run of `s` only counts passes (runChecks marked it). */
const onlyCountsPasses = (s: object): boolean => memoed(s, ONLY_COUNTS_PASSES) === true

/**
 * The one pass a run that only counts passes keeps, for every pass it counts: such a run reads a pass's status and
 * check id and nothing else (not its resource: no ignore rule marks a pass), so ~15,000 passes of a 1,000-instance run
 * need not be ~15,000 objects, each copied into the old generation while its check runs.
 */
export const COUNTED_PASS: Outcome = Object.freeze({status: 'pass', resource: Object.freeze({type: 'ec2-instance', id: '(counted)'}), message: ''})

/**
 * The outcome as the run keeps it: when the run only counts passes (runChecks with countPasses), a pass is COUNTED_PASS
 * at once (or, with a severity of its own, cut down to status, resource and severity). For the loops over every
 * instance (host/ and network/ checks): a pass kept whole until the check returns outlived a few scavenges with its
 * message and evidence, and was copied into the old generation to die there (1,000 instances: ~10 MB, touched fresh).
 * Any other outcome, or any other run (a test's `check.run(s)`), is returned as it is.
 */
export function asKept(s: object, o: Outcome): Outcome {
  if (o.status !== 'pass' || !onlyCountsPasses(s)) return o
  return o.severity ? {status: 'pass', resource: o.resource, message: '', severity: o.severity} : COUNTED_PASS
}

/**
 * A pass whose message and extras are only built when the run keeps them: in a run that only counts passes (the
 * table), COUNTED_PASS, without building a message or evidence that would be dropped. For the passes of the loops over
 * every instance (a 1,000-instance run makes ~15,000); such a pass carries no severity of its own.
 */
export function passFor(s: object, resource: Resource, message: () => string, extra?: () => Extra): Outcome {
  return onlyCountsPasses(s) ? COUNTED_PASS : pass(resource, message(), extra?.())
}
