import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {UsageError} from '../../src/core/errors.js'
import {loadSnapshot, snapshotProblem} from '../../src/inventory/load-snapshot.js'
import {healthy} from '../support/snapshot-builder.js'

const dir = mkdtempSync(join(tmpdir(), 'efsd-snap-'))
const write = (name: string, body: string) => { const p = join(dir, name); writeFileSync(p, body); return p }

describe('loadSnapshot', () => {
  it('loads the shipped healthy example', async () => {
    expect((await loadSnapshot('examples/snapshots/healthy.json')).cluster?.name).toBe('prod')
  })
  it.each([
    ['missing file', join(dir, 'nope.json'), /cannot read snapshot .*ENOENT/],
    ['not JSON', write('bad.json', '{"schemaVersion": 1,'), /not valid JSON/],
    ['wrong version', write('v2.json', JSON.stringify({...healthy(), schemaVersion: 2})), /schemaVersion is 2/],
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
    await expect(loadSnapshot(write('parts-left-out.json', JSON.stringify(s)))).resolves.toMatchObject({schemaVersion: 1})
  })
})
