import {fileSystemExists} from '../../../src/checks/efs/file-system-exists.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {denied, healthy, IDS, withFault} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([fileSystemExists], s).findings

describe('efs/file-system-exists', () => {
  it('passes the available file system in scope', () => {
    const [f] = run(healthy())
    expect(f.status).toBe('pass')
    expect(f.resource.id).toBe(IDS.fs)
  })

  it('fails a file system that is not in the account/region, with a listing command', () => {
    const s = withFault(x => { x.scope.fileSystems.push({id: 'fs-0123456789abcdef0', reasons: ['--file-system']}) })
    const f = run(s).find(x => x.resource.id === 'fs-0123456789abcdef0')!
    expect(f.status).toBe('fail')
    expect(f.message).toContain('eu-west-1')
    expect(f.fix?.command).toContain('describe-file-systems --region eu-west-1')
  })

  it.each(['creating', 'deleting', 'error'])('fails a file system in %s', state => {
    const [f] = run(withFault(x => { x.fileSystems![0].lifeCycleState = state }))
    expect(f.status).toBe('fail')
    expect(f.message).toContain(state)
  })

  it('is unknown when elasticfilesystem:DescribeFileSystems was denied', () => {
    const [f] = run(denied(healthy(), 'fileSystems', 'elasticfilesystem:DescribeFileSystems'))
    expect(f.status).toBe('unknown')
    expect(f.message).toContain('elasticfilesystem:DescribeFileSystems')
  })

  it('is unknown for one file system whose lookup failed, not fail', () => {
    const s = withFault(x => {
      x.scope.fileSystems.push({id: 'fs-0999999999999999a', reasons: ['task definition']})
      x.gaps.push({part: 'fileSystems', action: 'elasticfilesystem:DescribeFileSystems', code: 'AccessDenied', message: 'denied', resourceIds: ['fs-0999999999999999a']})
    })
    const f = run(s)
    expect(f.find(x => x.resource.id === 'fs-0999999999999999a')!.status).toBe('unknown')
    expect(f.find(x => x.resource.id === IDS.fs)!.status).toBe('pass')
  })
})
