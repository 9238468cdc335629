/** Names the failed calls that explain a missing snapshot part, for "could not evaluate" messages. */
import {gapsExplaining} from '../../core/run-checks.js'
import type {Snapshot, SnapshotPart} from '../../model/snapshot.js'

/** e.g. "ec2:DescribeInstances failed (AccessDenied)"; undefined when nothing failed upstream of `part`. */
export function missingBecause(s: Snapshot, part: SnapshotPart): string | undefined {
  const gaps = gapsExplaining(s, part)
  if (gaps.length === 0) return undefined
  return [...new Set(gaps.map(g => `${g.action} failed (${g.code})`))].join(', ')
}
