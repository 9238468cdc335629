import {mountTargetAvailable} from '../../../src/checks/efs/mount-target-available.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {denied, healthy, IDS, withFault} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([mountTargetAvailable], s).findings

describe('efs/mount-target-available', () => {
  it('passes the three available mount targets', () => {
    const f = run(healthy())
    expect(f.map(x => x.status)).toEqual(['pass', 'pass', 'pass'])
  })

  it('fails a creating mount target and mentions DNS propagation', () => {
    const f = run(withFault(x => { x.mountTargets![1].lifeCycleState = 'creating' }))
    const bad = f.find(x => x.resource.id === IDS.mountTargets.b)!
    expect(bad.status).toBe('fail')
    expect(bad.message).toMatch(/60–90 s/)
    expect(f.filter(x => x.status === 'pass')).toHaveLength(2)
  })

  it('fails a mount target in error with a recreate command', () => {
    const f = run(withFault(x => { x.mountTargets![2].lifeCycleState = 'error' }))
    const bad = f.find(x => x.resource.id === IDS.mountTargets.c)!
    expect(bad.status).toBe('fail')
    expect(bad.fix?.command).toContain(`create-mount-target --file-system-id ${IDS.fs} --subnet-id ${IDS.subnets.c} --security-groups ${IDS.efsSg}`)
  })

  it('is unknown when elasticfilesystem:DescribeMountTargets was denied', () => {
    const f = run(denied(healthy(), 'mountTargets', 'elasticfilesystem:DescribeMountTargets'))
    expect(f).toHaveLength(1)
    expect(f[0].status).toBe('unknown')
  })
})
