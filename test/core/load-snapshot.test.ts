import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {UsageError} from '../../src/core/errors.js'
import {loadSnapshot, snapshotProblem} from '../../src/inventory/load-snapshot.js'
import {healthy} from '../support/snapshot-builder.js'

const dir = mkdtempSync(join(tmpdir(), 'efsd-snap-'))
const write = (name: string, body: string) => { const p = join(dir, name); writeFileSync(p, body); return p }

describe('loadSnapshot', () => {
  it('loads the shipped healthy example', () => {
    expect(loadSnapshot('examples/snapshots/healthy.json').cluster?.name).toBe('prod')
  })
  it.each([
    ['missing file', join(dir, 'nope.json'), /cannot read snapshot .*ENOENT/],
    ['not JSON', write('bad.json', '{"schemaVersion": 1,'), /not valid JSON/],
    ['wrong version', write('v2.json', JSON.stringify({...healthy(), schemaVersion: 2})), /schemaVersion is 2/],
    ['wrong part type', write('parts.json', JSON.stringify({...healthy(), instances: []})), /"instances" should be an object/],
  ])('rejects a %s with one clear UsageError', (_name, file, pattern) => {
    expect(() => loadSnapshot(file)).toThrow(UsageError)
    expect(() => loadSnapshot(file)).toThrow(pattern)
  })
  it('accepts every part left out', () => {
    const s = healthy() as unknown as Record<string, unknown>
    for (const k of ['instances', 'subnets', 'networkAcls', 'userData']) delete s[k]
    expect(snapshotProblem(s)).toBeUndefined()
  })
})
