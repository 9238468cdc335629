import type {Check, Fix, Location, Outcome, Resource, Severity} from './types.js'

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
