import {mountTargetSgAllowsNfs} from '../../../src/checks/network/mount-target-sg-allows-nfs.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot, SgRule} from '../../../src/model/snapshot.js'
import {denied, healthy, IDS, withFault} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([mountTargetSgAllowsNfs], s).findings
const status = (s: Snapshot) => Object.fromEntries(run(s).map(f => [f.resource.id, f.status]))
const rule = (r: Partial<SgRule>): SgRule => ({protocol: 'tcp', fromPort: 2049, toPort: 2049, ipv4Cidrs: [], ipv6Cidrs: [], groupIds: [], prefixListIds: [], ...r})

describe('network/mount-target-sg-allows-nfs', () => {
  it('passes every instance via the SG reference in the healthy cluster', () => {
    const f = run(healthy())
    expect(f).toHaveLength(6)
    expect(f.every(x => x.status === 'pass' && x.message.includes(IDS.hostSg))).toBe(true)
  })

  it('fails every instance when the 2049 rule is removed, with the authorize command', () => {
    const s = withFault(x => { x.securityGroups![IDS.efsSg].ingress = [] })
    const f = run(s)
    expect(f.every(x => x.status === 'fail')).toBe(true)
    expect(f[0].fix?.command).toBe(`aws ec2 authorize-security-group-ingress --group-id ${IDS.efsSg} --protocol tcp --port 2049 --source-group ${IDS.hostSg} --region eu-west-1`)
  })

  it('fails only the instances a CIDR rule does not cover', () => {
    // 10.20.0.0/21 covers subnets a (10.20.0.0/22) and b (10.20.4.0/22) but not c (10.20.8.0/22).
    const s = withFault(x => { x.securityGroups![IDS.efsSg].ingress = [rule({ipv4Cidrs: ['10.20.0.0/21']})] })
    expect(status(s)).toEqual({
      [IDS.instances[0]]: 'pass', [IDS.instances[1]]: 'pass', [IDS.instances[2]]: 'pass',
      [IDS.instances[3]]: 'pass', [IDS.instances[4]]: 'fail', [IDS.instances[5]]: 'fail',
    })
  })

  it('does not accept a rule on the wrong port or protocol, but accepts all-traffic', () => {
    expect(Object.values(status(withFault(x => { x.securityGroups![IDS.efsSg].ingress[0].protocol = 'udp' })))).toContain('fail')
    expect(Object.values(status(withFault(x => { x.securityGroups![IDS.efsSg].ingress[0].fromPort = 2050; x.securityGroups![IDS.efsSg].ingress[0].toPort = 2050 })))).toContain('fail')
    expect(Object.values(status(withFault(x => { x.securityGroups![IDS.efsSg].ingress = [rule({protocol: '-1', ipv4Cidrs: ['10.20.0.0/16']})] }))).every(v => v === 'pass')).toBe(true)
  })

  it('is unknown, not fail, for an instance whose private IP was not recorded when only a CIDR rule could admit it', () => {
    const s = withFault(x => {
      x.securityGroups![IDS.efsSg].ingress = [rule({ipv4Cidrs: ['10.20.0.0/16']})]
      delete x.instances![IDS.instances[0]].privateIp
    })
    const f = run(s).find(x => x.resource.id === IDS.instances[0])!
    expect(f.status).toBe('unknown')
    expect(f.message).toContain('10.20.0.0/16')
    expect(status(s)[IDS.instances[1]]).toBe('pass')
  })

  it('is unknown for a prefix-list rule unless another rule admits the instance', () => {
    const s = withFault(x => { x.securityGroups![IDS.efsSg].ingress = [rule({prefixListIds: ['pl-0abc']}), rule({ipv4Cidrs: ['10.20.0.0/22']})] })
    const st = status(s)
    expect(st[IDS.instances[0]]).toBe('pass')
    expect(st[IDS.instances[2]]).toBe('unknown')
    expect(run(s).find(f => f.resource.id === IDS.instances[2])!.message).toContain('pl-0abc')
  })

  it('is unknown for instances whose mount target has no security-group data', () => {
    const s = withFault(x => { delete x.mountTargets![0].securityGroupIds })
    const st = status(s)
    expect(st[IDS.instances[0]]).toBe('unknown')
    expect(st[IDS.instances[2]]).toBe('pass')
  })

  it('is unknown as a whole when ec2:DescribeSecurityGroups was denied', () => {
    const f = run(denied(healthy(), 'securityGroups', 'ec2:DescribeSecurityGroups'))
    expect(f).toHaveLength(1)
    expect(f[0].status).toBe('unknown')
    expect(f[0].message).toContain('ec2:DescribeSecurityGroups')
  })

  it('skips instances without a mount target in their AZ', () => {
    const s = withFault(x => { x.mountTargets = x.mountTargets!.filter(mt => mt.id !== IDS.mountTargets.a) })
    expect(status(s)[IDS.instances[0]]).toBe('skipped')
  })
})
