/**
 * Reads a saved snapshot (`efsdoctor snapshot --output-file f.json`) for offline replay. The file must match
 * schemas/snapshot.schema.json: a wrongly typed field deep inside would otherwise make a check throw, so a bad
 * file is a UsageError (exit 2) naming the first problem, never a run of "Check crashed" findings.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {UsageError} from '../core/errors.js'
import {schemaChecker} from '../core/json-schema.js'
import {lastLoad, loadCachedScript} from '../core/cached-script.js'
import {scopeByEvidence, usageInputs, usageOutsideRun} from '../checks/_lib/usage.js'
import {withDerived} from '../core/memo.js'
import {SNAPSHOT_PARTS, SNAPSHOT_SCHEMA_VERSION, type Snapshot} from '../model/snapshot.js'
import {MAX_SNAPSHOT_BYTES, readInputFileAsync} from '../core/input-file.js'
import {loadShellParserForSnapshot, preloadShellParserFor} from '../core/shell-parser.js'
import {packageFile} from '../core/package-files.js'

/** Versions `check --from` reads: the current one, and 1 through `upgradeFromV1`. */
const READABLE_VERSIONS: readonly number[] = [1, SNAPSHOT_SCHEMA_VERSION]

const OBJECT_PARTS = new Set(['instances', 'securityGroups', 'subnets', 'vpcs', 'fileSystemPolicies', 'hostFacts', 'cluster'])

/** The JSON Schema for snapshots, shipped in the package (src/ and dist/ both sit two levels below it). */

/** Quick check of the top-level shape (and the schema version first, so a newer file says so); returns the reason. */
export function snapshotProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'not a JSON object'
  const s = data as Record<string, unknown>
  if (Array.isArray(s.findings) && typeof s.summary === 'object' && s.gaps === undefined) {
    return 'it is a report (check --output json); save a snapshot with efsdoctor snapshot --cluster NAME --output-file FILE'
  }
  if (!READABLE_VERSIONS.includes(s.schemaVersion as number)) {
    return `schemaVersion is ${JSON.stringify(s.schemaVersion)}, expected ${SNAPSHOT_SCHEMA_VERSION} (or 1, which is upgraded)`
  }
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

/**
 * Where a snapshot holds maps keyed by data — ids from AWS, tag keys, package and service names — that code looks up
 * with a key it was given (`instances[ci.ec2InstanceId]`): the objects the JSON Schema declares with
 * `additionalProperties` (test/inventory/snapshot-maps.test.ts holds this list to the schema). `*` is every element of
 * an array or every value of a map.
 */
export const SNAPSHOT_MAPS: readonly string[] = [
  'instances', 'instances.*.tags', 'fileSystemPolicies', 'securityGroups', 'subnets', 'vpcs', 'hostFacts',
  'hostFacts.*.facts.packages', 'hostFacts.*.facts.services', 'hostFacts.*.facts.efsStateAccessPoints', 'hostFacts.*.facts.tlsHelpers',
  'containerInstances.*.attributes', 'userData.*.cfnInit.*.configSets', 'userData.*.cfnInit.*.configs', 'userData.*.cfnInit.*.lines',
  'template.resourceLines', 'template.hostSecurityGroups', 'template.hostSubnets', 'template.userDataLines', 'template.subnetAzExpressions',
]
const MAP_STEPS = SNAPSHOT_MAPS.map(p => p.split('.'))

/**
 * `data` (parsed JSON, any shape: it is validated afterwards) with the prototype of every map SNAPSHOT_MAPS names set to
 * null, in place: an id such as `constructor` or `toString` is then an own key or absent, never something inherited from
 * Object.prototype. Only the maps: every object of a 1,000-instance snapshot (37,000 objects and arrays) took ~15 ms,
 * the maps ~1.5 ms; the other objects are records read by fixed field names, none of them named like a member of
 * Object.prototype. A key `__proto__` was an own data property of the parsed object and stays one.
 */
export function mapsWithoutPrototypes<T>(data: T): T {
  const visit = (value: unknown, steps: string[], i: number): void => {
    if (value === null || typeof value !== 'object') return
    if (i === steps.length) {
      if (!Array.isArray(value)) Object.setPrototypeOf(value, null)
    } else if (steps[i] === '*') {
      for (const v of Array.isArray(value) ? value : Object.values(value)) visit(v, steps, i + 1)
    } else if (!Array.isArray(value) && Object.hasOwn(value, steps[i])) {
      visit((value as Record<string, unknown>)[steps[i]], steps, i + 1)
    }
  }
  for (const steps of MAP_STEPS) visit(data, steps, 0)
  return data
}

/** The first way `data` departs from the snapshot schema, or undefined when it matches. */
export const schemaProblem = schemaChecker(async () =>
  loadCachedScript<{validate: unknown}>('snapshot') ?? import('../core/validators/snapshot.generated.js'), 'snapshot')

/**
 * The snapshot in `file`, validated (and upgraded from schemaVersion 1). `mark` ends each step for EFSDOCTOR_TIMING
 * (timing.ts): read, parse, validate, and for a schema-1 file the bash grammar and the upgrade.
 */
export async function loadSnapshot(file: string, mark: (step: string) => void = () => {}): Promise<Snapshot> {
  const text = await readInputFileAsync(file, 'snapshot', MAX_SNAPSHOT_BYTES)
  mark('read --from')
  let data: unknown
  try {
    data = mapsWithoutPrototypes(JSON.parse(text))
  } catch (error) {
    throw new UsageError(`snapshot ${file} is not valid JSON: ${(error as Error).message}`)
  }
  mark('parse')
  // NOTE: the bash grammar loads while the file is validated (its WebAssembly compiles on V8's background threads).
  preloadShellParserFor(data)
  const problem = snapshotProblem(data) ?? await schemaProblem(data)
  if (problem) throw new UsageError(`snapshot ${file} is not an efsdoctor snapshot: ${problem.replace(/\s+/g, ' ')}`)
  mark(lastLoad === 'code cache' ? 'validate (code cache)' : 'validate')
  const snapshot = data as Snapshot
  if ((snapshot.schemaVersion as number) !== 1) return snapshot
  // NOTE: the upgrade reads UserData mounts: the shell grammar must be loaded first (see upgradeFromV1).
  await loadShellParserForSnapshot(snapshot)
  mark('bash grammar')
  const upgraded = upgradeFromV1(snapshot)
  mark('upgrade from schema 1')
  return upgraded
}

/**
 * The one upgrade step, schemaVersion 1 → 2 (docs/snapshot.md). Version 1 put every file system with mount targets
 * in the instances' VPC in scope as if it were used; version 2 scopes by evidence. So the scope is worked out again
 * from what the file holds (UserData, task definitions, probe facts): a file system named with --file-system stays
 * named; one whose only reason was "has mount targets in …" is a candidate when nothing else is in scope, and is left
 * out (with a note) when something is; every entry gains `usedBy`. The shell parser must be loaded (loadSnapshot does).
 * The usage model worked out for this is recorded on the result (memo.ts withDerived): the upgrade changes only the
 * scope's file systems and notes, which the model does not read, so runChecks of the result need not derive it again.
 */
export function upgradeFromV1(v1: Snapshot): Snapshot {
  const named = v1.scope.fileSystems.filter(f => f.reasons.includes('named with --file-system')).map(f => f.id)
  const {model, derived} = usageOutsideRun(v1)
  const {fileSystems, notes} = scopeByEvidence(v1, v1.scope.fileSystems, named, model)
  const allNotes = [...(v1.scope.notes ?? []), ...notes]
  return withDerived({...v1, schemaVersion: SNAPSHOT_SCHEMA_VERSION, scope: {...v1.scope, fileSystems, ...(allNotes.length ? {notes: allNotes} : {})}},
    derived, usageInputs)
}

/** The example snapshots shipped in the package (examples/snapshots), found relative to this file after any install. */
const EXAMPLES_DIR = packageFile('examples/snapshots')

export function listExamples(): string[] {
  return readdirSync(EXAMPLES_DIR).filter(f => f.endsWith('.json')).map(f => f.slice(0, -'.json'.length)).sort()
}

/** The path of a shipped example by name (`broken-sg-cidr` or `broken-sg-cidr.json`); an unknown name is a usage error. */
export function examplePath(name: string): string {
  const base = name.replace(/\.json$/, '')
  const known = listExamples()
  if (!known.includes(base)) throw new UsageError(`no example named "${base.replace(/[^\w.-]/g, '?')}"; the examples are: ${known.join(', ')}`)
  return join(EXAMPLES_DIR, `${base}.json`)
}
