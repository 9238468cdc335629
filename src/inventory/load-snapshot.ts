/** Reads a saved snapshot (`efsdoctor snapshot -o f.json`) for offline replay; bad files are a UsageError. */
import {readFileSync} from 'node:fs'
import {UsageError} from '../core/errors.js'
import {SNAPSHOT_PARTS, SNAPSHOT_SCHEMA_VERSION, type Snapshot} from './snapshot.js'

const OBJECT_PARTS = new Set(['instances', 'securityGroups', 'subnets', 'vpcs', 'fileSystemPolicies', 'hostFacts', 'cluster'])

/** Structural validation of the parts checks rely on; returns the reason or undefined. */
export function snapshotProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'not a JSON object'
  const s = data as Record<string, unknown>
  if (s.schemaVersion !== SNAPSHOT_SCHEMA_VERSION) return `schemaVersion is ${JSON.stringify(s.schemaVersion)}, expected ${SNAPSHOT_SCHEMA_VERSION}`
  const scope = s.scope as Record<string, unknown> | undefined
  if (typeof scope !== 'object' || scope === null) return 'missing "scope"'
  if (!Array.isArray(scope.fileSystems)) return '"scope.fileSystems" is not a list'
  if (!Array.isArray(s.gaps)) return '"gaps" is not a list'
  for (const part of SNAPSHOT_PARTS) {
    const v = s[part]
    if (v === undefined) continue
    const wantObject = OBJECT_PARTS.has(part)
    if (wantObject ? (typeof v !== 'object' || v === null || Array.isArray(v)) : !Array.isArray(v)) {
      return `"${part}" should be ${wantObject ? 'an object' : 'a list'}`
    }
  }
  return undefined
}

export function loadSnapshot(file: string): Snapshot {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read snapshot ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`snapshot ${file} is not valid JSON: ${(error as Error).message}`)
  }
  const problem = snapshotProblem(data)
  if (problem) throw new UsageError(`snapshot ${file} is not an efsdoctor snapshot: ${problem}`)
  return data as Snapshot
}
