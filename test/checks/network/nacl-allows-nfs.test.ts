import {naclAllowsNfs} from '../../../src/checks/network/nacl-allows-nfs.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {NaclEntry, Snapshot} from '../../../src/inventory/snapshot.js'
import {denied, healthy, IDS, withFault} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([naclAllowsNfs], s).findings
const of = (s: Snapshot, id: string) => run(s).find(f => f.resource.id === id)!
const MT_SUBNET = 'subnet-0aa1119999999999a'
const allow = (ruleNumber: number, egress: boolean, from: number, to: number): NaclEntry =>
  ({ruleNumber, egress, protocol: '6', action: 'allow', cidr: '10.20.0.0/16', portRange: {from, to}})

/** Move mount target a into its own subnet (same AZ) guarded by a custom ACL with `entries`. */
function separateMtSubnet(entries: NaclEntry[]) {
  return (x: Snapshot) => {
    x.subnets![MT_SUBNET] = {id: MT_SUBNET, vpcId: IDS.vpc, cidr: '10.20.1.0/24', azName: 'eu-west-1a', azId: 'euw1-az3'}
    x.mountTargets![0].subnetId = MT_SUBNET
    x.networkAcls!.push({id: 'acl-0mt', vpcId: IDS.vpc, subnetIds: [MT_SUBNET], isDefault: false, entries})
  }
}
const strict = [allow(100, false, 2049, 2049), allow(100, true, 1024, 65535)]

describe('network/nacl-allows-nfs', () => {
  it('passes same-subnet pairs with a message saying ACLs do not apply', () => {
    const f = run(healthy())
    expect(f.every(x => x.status === 'pass' && x.message.includes('network ACLs do not apply'))).toBe(true)
  })

  it('passes across subnets when ACLs allow 2049 and ephemeral return (efs-utils mounts use noresvport)', () => {
    const s = withFault(separateMtSubnet(strict))
    const f = of(s, IDS.instances[0])
    expect(f.status).toBe('pass')
    expect(f.message).toContain('acl-0mt')
  })

  it('fails plain nfs4 mounts without noresvport when only 1024-65535 return is allowed, naming ACL and rule', () => {
    const s = withFault(x => {
      separateMtSubnet(strict)(x)
      x.userData![0].text = `#!/bin/bash\nmount -t nfs4 -o nfsvers=4.1 ${IDS.fs}.efs.eu-west-1.amazonaws.com:/ /mnt/efs\n`
      x.taskDefinitions = []
    })
    const f = of(s, IDS.instances[0])
    expect(f.status).toBe('fail')
    expect(f.message).toMatch(/acl-0mt .* rule \* drops return traffic to 10\.20\.2\.11 ports 665-1023/)
    expect(f.fix?.command).toContain('--network-acl-id acl-0mt --egress --rule-number 32766 --protocol tcp --port-range From=665,To=1023 --cidr-block 10.20.0.0/22')
    expect(of(s, IDS.instances[2]).status).toBe('pass')
  })

  it('when noresvport is unknown, requires both ranges and says which is missing', () => {
    const s = withFault(x => {
      separateMtSubnet(strict)(x)
      x.userData = []
      x.taskDefinitions = []
    })
    const f = of(s, IDS.instances[1])
    expect(f.status).toBe('fail')
    expect(f.message).toContain('665-1023')
    expect(f.message).not.toContain('32768-60999')
    expect(f.message).toMatch(/not known/)
  })

  it('reports an explicit deny by rule number on the forward path', () => {
    const s = withFault(separateMtSubnet([{ruleNumber: 50, egress: false, protocol: '6', action: 'deny', cidr: '10.20.3.0/24', portRange: {from: 2049, to: 2049}}, ...strict]))
    expect(of(s, IDS.instances[0]).status).toBe('pass') // 10.20.2.11
    const f = of(s, IDS.instances[1]) // 10.20.3.12
    expect(f.status).toBe('fail')
    expect(f.message).toContain('acl-0mt (subnet-0aa1119999999999a) rule 50 drops inbound TCP 2049 from 10.20.3.12')
    expect(f.fix?.command).toContain('--rule-number 49')
  })

  it('is unknown for an instance whose IP is missing', () => {
    const s = withFault(x => { separateMtSubnet(strict)(x); delete x.instances![IDS.instances[0]].privateIp })
    expect(of(s, IDS.instances[0]).status).toBe('unknown')
  })

  it('is unknown as a whole when ec2:DescribeNetworkAcls was denied', () => {
    const f = run(denied(healthy(), 'networkAcls', 'ec2:DescribeNetworkAcls'))
    expect(f.map(x => x.status)).toEqual(['unknown'])
    expect(f[0].message).toContain('ec2:DescribeNetworkAcls')
  })
})
