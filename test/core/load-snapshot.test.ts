import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {UsageError} from '../../src/core/errors.js'
import {loadSnapshot, snapshotProblem} from '../../src/inventory/load-snapshot.js'
import {healthy} from '../support/snapshot-builder.js'
import {allChecks} from '../../src/checks/index.js'
import {runChecks} from '../../src/core/run-checks.js'
import {derivedOf} from '../../src/core/memo.js'

const dir = mkdtempSync(join(tmpdir(), 'efsd-snap-'))
const write = (name: string, body: string) => { const p = join(dir, name); writeFileSync(p, body); return p }

describe('loadSnapshot', () => {
  it('loads the shipped healthy example', async () => {
    expect((await loadSnapshot('examples/snapshots/healthy.json')).cluster?.name).toBe('prod')
  })
  it.each([
    ['missing file', join(dir, 'nope.json'), /cannot read snapshot .*ENOENT/],
    ['not JSON', write('bad.json', '{"schemaVersion": 1,'), /not valid JSON/],
    ['wrong version', write('v3.json', JSON.stringify({...healthy(), schemaVersion: 3})), /schemaVersion is 3, expected 2 \(or 1, which is upgraded\)/],
    ['wrong part type', write('parts.json', JSON.stringify({...healthy(), instances: []})), /"instances" should be an object/],
    ['wrong type deep inside', write('deep.json', JSON.stringify({...healthy(), subnets: {'subnet-1': {id: 'subnet-1', vpcId: 7}}})),
      /is not an efsdoctor snapshot: \/subnets\/subnet-1\/vpcId must be string$/],
    ['missing collectedAt', write('when.json', JSON.stringify({...healthy(), collectedAt: undefined})),
      /is not an efsdoctor snapshot: \/ must have required property 'collectedAt'$/],
  ])('rejects a %s with one clear UsageError', async (_name, file, pattern) => {
    await expect(loadSnapshot(file)).rejects.toThrow(UsageError)
    await expect(loadSnapshot(file)).rejects.toThrow(pattern)
  })
  it('accepts every part left out', async () => {
    const s = healthy() as unknown as Record<string, unknown>
    for (const k of ['instances', 'subnets', 'networkAcls', 'userData']) delete s[k]
    expect(snapshotProblem(s)).toBeUndefined()
    await expect(loadSnapshot(write('parts-left-out.json', JSON.stringify(s)))).resolves.toMatchObject({schemaVersion: 2})
  })
})

describe('the schemaVersion 1 → 2 upgrade', () => {
  /** A file as version 1 wrote it: no usedBy, and another team's file system in scope only for its mount targets. */
  const v1 = (): Record<string, unknown> => {
    const s = healthy() as unknown as {schemaVersion: number; scope: {fileSystems: unknown[]}}
    s.schemaVersion = 1
    s.scope.fileSystems = [
      {id: 'fs-0a1b2c3d4e5f60718', reasons: ['UserData launch-template lt-0abc1234def567890 v7 mounts it']},
      {id: 'fs-0bbbbbbbbbbbbbbbb', reasons: ['has mount targets in vpc-0e1f2a3b4c5d6e7f8 where the instances run']},
    ]
    return s
  }

  it('ends each step for EFSDOCTOR_TIMING: read, parse, validate, and for a version 1 file the grammar and the upgrade', async () => {
    const steps: string[] = []
    await loadSnapshot('examples/snapshots/healthy.json', step => steps.push(step))
    expect(steps).toEqual(['read --from', 'parse', 'validate'])
    steps.length = 0
    await loadSnapshot(write('v1-steps.json', JSON.stringify(v1())), step => steps.push(step))
    expect(steps).toEqual(['read --from', 'parse', 'validate', 'bash grammar', 'upgrade from schema 1'])
  })

  it('loads a version 1 file as version 2: scoped by evidence, with usedBy, the unused one left out with a note', async () => {
    const s = await loadSnapshot(write('v1.json', JSON.stringify(v1())))
    expect(s.schemaVersion).toBe(2)
    expect(s.scope.fileSystems.map(f => f.id)).toEqual(['fs-0a1b2c3d4e5f60718'])
    expect(s.scope.fileSystems[0].usedBy?.map(u => u.client.kind)).toEqual(['launch-template', 'task-definition', 'task-definition'])
    expect(s.scope.notes).toEqual(['fs-0bbbbbbbbbbbbbbbb has mount targets where the instances run, but nothing in this cluster uses it: not checked (name one with --file-system to check it).'])
  })

  it('hands its usage model to runChecks: the same report as a copy that derives its own, and dropped once an input changes', async () => {
    const s = await loadSnapshot(write('v1-derived.json', JSON.stringify(v1())))
    expect(derivedOf(s)).toEqual({usage: expect.anything()})
    // NOTE: a copy does not carry the recorded model, so runChecks derives the model again from the copy.
    expect(derivedOf({...s})).toBeUndefined()
    expect(JSON.stringify(runChecks(allChecks, s))).toBe(JSON.stringify(runChecks(allChecks, {...s})))
    s.userData = []
    expect(derivedOf(s)).toBeUndefined()
  })

  it('keeps a file system named with --file-system named', async () => {
    const raw = v1() as {scope: {fileSystems: unknown[]}}
    raw.scope.fileSystems = [{id: 'fs-0bbbbbbbbbbbbbbbb', reasons: ['named with --file-system']}]
    const s = await loadSnapshot(write('v1-named.json', JSON.stringify(raw)))
    expect(s.scope.fileSystems).toEqual([expect.objectContaining({id: 'fs-0bbbbbbbbbbbbbbbb', named: true})])
  })
})

describe('a report given where a snapshot goes', () => {
  it('says it is a report and how to save a snapshot', () => {
    const report = runChecks(allChecks, healthy())
    expect(snapshotProblem(JSON.parse(JSON.stringify(report)))).toMatch(/^it is a report \(check --output json\); save a snapshot with efsdoctor snapshot/)
    expect(snapshotProblem(JSON.parse(JSON.stringify(healthy())))).toBeUndefined()
  })
})
