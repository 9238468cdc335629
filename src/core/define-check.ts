import type {Check, Fix, Location, Outcome, Resource, Severity} from './types.js'
import {memo} from './memo.js'

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
const onlyCountsPasses = (s: object): boolean => memo(s, ONLY_COUNTS_PASSES, () => false)

/**
 * The outcome as the run keeps it: when the run only counts passes (runChecks with countPasses), a pass is cut down at
 * once to what is counted (status, resource, severity). For the loops over every instance (host/ and network/ checks):
 * a pass kept whole until the check returns outlived a few scavenges with its message and evidence, and was copied into
 * the old generation to die there (1,000 instances: ~10 MB, touched fresh). Any other outcome, or any other run (a
 * test's `check.run(s)`), is returned as it is.
 */
export function asKept(s: object, o: Outcome): Outcome {
  if (o.status !== 'pass' || !onlyCountsPasses(s)) return o
  return o.severity ? {status: 'pass', resource: o.resource, message: '', severity: o.severity} : {status: 'pass', resource: o.resource, message: ''}
}

/**
 * A pass whose message and extras are only built when the run keeps them: in a run that only counts passes (the
 * table), `{status, resource}` at once, without building a message or evidence that would be dropped. For the passes of
 * the loops over every instance (a 1,000-instance run makes ~15,000); such a pass carries no severity of its own.
 */
export function passFor(s: object, resource: Resource, message: () => string, extra?: () => Extra): Outcome {
  return onlyCountsPasses(s) ? {status: 'pass', resource, message: ''} : pass(resource, message(), extra?.())
}
