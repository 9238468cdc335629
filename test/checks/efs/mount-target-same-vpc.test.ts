import {mountTargetSameVpc} from '../../../src/checks/efs/mount-target-same-vpc.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {denied, healthy, IDS, withFault} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([mountTargetSameVpc], s).findings
const OTHER = 'vpc-0999999999999999a'

describe('efs/mount-target-same-vpc', () => {
  it('passes when the instances share the mount targets\' VPC', () => {
    const f = run(healthy())
    expect(f.map(x => x.status)).toEqual(['pass'])
    expect(f[0].message).toContain(IDS.vpc)
  })

  it('fails the instances that run in another VPC, with an IP-mount fix', () => {
    const s = withFault(x => { for (const id of IDS.instances.slice(0, 2)) x.instances![id].vpcId = OTHER })
    const f = run(s)
    const bad = f.find(x => x.status === 'fail')!
    expect(bad.message).toContain(`${IDS.instances[0]}, ${IDS.instances[1]} run in ${OTHER}`)
    expect(bad.fix?.summary).toContain('mounttargetip=10.20.1.25')
    expect(f.filter(x => x.status === 'pass')).toHaveLength(1)
  })

  it('is unknown when the mount targets\' VPC cannot be told', () => {
    const s = withFault(x => { for (const mt of x.mountTargets!) delete mt.vpcId; delete x.subnets })
    expect(run(s).map(x => x.status)).toEqual(['unknown'])
  })

  it('is unknown as a whole when the mount targets could not be described', () => {
    expect(run(denied(healthy(), 'mountTargets', 'elasticfilesystem:DescribeMountTargets')).map(x => x.status)).toEqual(['unknown'])
  })
})
