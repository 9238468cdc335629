/**
 * Fixture snapshots for check tests: `healthy()` is the shipped example of a working cluster; each test applies one
 * named mutation (a fault) to a fresh copy, in the spirit of cfn-lint's base template + patch.
 */
import {readFileSync} from 'node:fs'
import type {Snapshot} from '../../src/model/snapshot.js'

const HEALTHY = readFileSync(new URL('../../examples/snapshots/healthy.json', import.meta.url), 'utf8')

export function healthy(): Snapshot {
  return JSON.parse(HEALTHY) as Snapshot
}

/** healthy() with `mutate` applied; returns the snapshot for chaining in tests. */
export function withFault(mutate: (s: Snapshot) => void): Snapshot {
  const s = healthy()
  mutate(s)
  return s
}

/** Remove a part and record the gap a denied call would leave. */
export function denied(s: Snapshot, part: keyof Snapshot & string, action: string): Snapshot {
  delete (s as unknown as Record<string, unknown>)[part]
  s.gaps.push({part: part as never, action, code: 'AccessDenied', message: `User is not authorized to perform: ${action}`})
  return s
}

/** Well-known ids in healthy.json, so tests read as sentences. */
export const IDS = {
  fs: 'fs-0a1b2c3d4e5f60718',
  vpc: 'vpc-0e1f2a3b4c5d6e7f8',
  hostSg: 'sg-0123456789abcdef0',
  efsSg: 'sg-0fedcba9876543210',
  instances: ['i-001a1b2c3d4e5f6a7', 'i-002a1b2c3d4e5f6a7', 'i-003a1b2c3d4e5f6a7', 'i-004a1b2c3d4e5f6a7', 'i-005a1b2c3d4e5f6a7', 'i-006a1b2c3d4e5f6a7'],
  subnets: {a: 'subnet-0aa1110000000000a', b: 'subnet-0bb2220000000000b', c: 'subnet-0cc3330000000000c'},
  mountTargets: {a: 'fsmt-0aa1110000000000a', b: 'fsmt-0bb2220000000000b', c: 'fsmt-0cc3330000000000c'},
  nacl: 'acl-0d1e2f3a4b5c6d7e8',
  launchTemplate: 'lt-0abc1234def567890',
  userDataId: 'launch-template:lt-0abc1234def567890:7',
} as const
