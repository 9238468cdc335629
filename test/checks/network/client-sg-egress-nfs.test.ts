import {clientSgEgressNfs} from '../../../src/checks/network/client-sg-egress-nfs.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot, SgRule} from '../../../src/model/snapshot.js'
import {denied, healthy, IDS, withFault} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([clientSgEgressNfs], s).findings
const status = (s: Snapshot) => Object.fromEntries(run(s).map(f => [f.resource.id, f.status]))
const rule = (r: Partial<SgRule>): SgRule => ({protocol: 'tcp', fromPort: 2049, toPort: 2049, ipv4Cidrs: [], ipv6Cidrs: [], groupIds: [], prefixListIds: [], ...r})

describe('network/client-sg-egress-nfs', () => {
  it('passes with the default allow-all egress', () => {
    expect(Object.values(status(healthy()))).toEqual(Array(6).fill('pass'))
  })

  it('fails a hardened group that only allows 443 out, with an egress command to the mount-target SG', () => {
    const s = withFault(x => { x.securityGroups![IDS.hostSg].egress = [rule({fromPort: 443, toPort: 443, ipv4Cidrs: ['0.0.0.0/0']})] })
    const f = run(s)
    expect(f.every(x => x.status === 'fail')).toBe(true)
    expect(f[0].fix?.command).toBe(`aws ec2 authorize-security-group-egress --group-id ${IDS.hostSg} --ip-permissions 'IpProtocol=tcp,FromPort=2049,ToPort=2049,UserIdGroupPairs=[{GroupId=${IDS.efsSg}}]' --region eu-west-1`)
  })

  it('accepts egress by SG reference to the mount target group, and by a CIDR per mount-target IP', () => {
    expect(Object.values(status(withFault(x => { x.securityGroups![IDS.hostSg].egress = [rule({groupIds: [IDS.efsSg]})] })))).toEqual(Array(6).fill('pass'))
    // 10.20.0.0/22 holds only mount target a (10.20.1.25): instances in AZ a pass, others fail.
    const st = status(withFault(x => { x.securityGroups![IDS.hostSg].egress = [rule({ipv4Cidrs: ['10.20.0.0/22']})] }))
    expect(st[IDS.instances[0]]).toBe('pass')
    expect(st[IDS.instances[2]]).toBe('fail')
  })

  it('ignores the mount target\'s own egress rules', () => {
    expect(Object.values(status(withFault(x => { x.securityGroups![IDS.efsSg].egress = [] })))).toEqual(Array(6).fill('pass'))
  })

  it('is unknown when only an SG-reference rule exists and the mount target groups are unknown', () => {
    const s = withFault(x => {
      x.securityGroups![IDS.hostSg].egress = [rule({groupIds: [IDS.efsSg]})]
      delete x.mountTargets![0].securityGroupIds
    })
    const st = status(s)
    expect(st[IDS.instances[0]]).toBe('unknown')
    expect(st[IDS.instances[2]]).toBe('pass')
  })

  it('is unknown as a whole when ec2:DescribeSecurityGroups was denied', () => {
    const f = run(denied(healthy(), 'securityGroups', 'ec2:DescribeSecurityGroups'))
    expect(f.map(x => x.status)).toEqual(['unknown'])
  })
})
