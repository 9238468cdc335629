/**
 * Reads a saved snapshot (`efsdoctor snapshot --output-file f.json`) for offline replay. The file must match
 * schemas/snapshot.schema.json: a wrongly typed field deep inside would otherwise make a check throw, so a bad
 * file is a UsageError (exit 2) naming the first problem, never a run of "Check crashed" findings.
 */
import {readFileSync} from 'node:fs'
import {UsageError} from '../core/errors.js'
import {schemaChecker} from '../core/json-schema.js'
import {SNAPSHOT_PARTS, SNAPSHOT_SCHEMA_VERSION, type Snapshot} from '../model/snapshot.js'

const OBJECT_PARTS = new Set(['instances', 'securityGroups', 'subnets', 'vpcs', 'fileSystemPolicies', 'hostFacts', 'cluster'])

/** The JSON Schema for snapshots, shipped in the package (src/ and dist/ both sit two levels below it). */
export const SNAPSHOT_SCHEMA_URL = new URL('../../schemas/snapshot.schema.json', import.meta.url)

/** Quick check of the top-level shape (and the schema version first, so a newer file says so); returns the reason. */
export function snapshotProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'not a JSON object'
  const s = data as Record<string, unknown>
  if (s.schemaVersion !== SNAPSHOT_SCHEMA_VERSION) return `schemaVersion is ${JSON.stringify(s.schemaVersion)}, expected ${SNAPSHOT_SCHEMA_VERSION}`
  const scope = s.scope as Record<string, unknown> | undefined
  if (scope === undefined) return 'missing "scope"'
  if (typeof scope !== 'object' || scope === null || Array.isArray(scope)) return '"scope" should be an object'
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

/** The first way `data` departs from the snapshot schema, or undefined when it matches. */
export const schemaProblem = schemaChecker(SNAPSHOT_SCHEMA_URL, 'snapshot')

export async function loadSnapshot(file: string): Promise<Snapshot> {
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
  const problem = snapshotProblem(data) ?? await schemaProblem(data)
  if (problem) throw new UsageError(`snapshot ${file} is not an efsdoctor snapshot: ${problem.replace(/\s+/g, ' ')}`)
  return data as Snapshot
}
