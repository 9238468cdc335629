import {naclAllowsNfs} from '../../../src/checks/network/nacl-allows-nfs.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {NaclEntry, Snapshot} from '../../../src/inventory/snapshot.js'
import {awsvpcWorker} from '../../support/faults.js'
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

describe('network/nacl-allows-nfs: awsvpc task clients', () => {
  const TASK_SUBNET = 'subnet-0ta5k00000000000a'
  const taskEntry = (ruleNumber: number, egress: boolean, cidr: string, from: number, to: number, action: 'allow' | 'deny' = 'allow'): NaclEntry =>
    ({ruleNumber, egress, protocol: '6', action, cidr, portRange: {from, to}})
  /** The worker runs awsvpc tasks only in TASK_SUBNET (AZ a, 10.20.12.0/24), whose ACL is the default one; mount target a gets `mtEntries`. */
  function taskSubnet(mtEntries: NaclEntry[]) {
    return withFault(x => {
      awsvpcWorker(x, {admitted: true})
      x.subnets![TASK_SUBNET] = {id: TASK_SUBNET, vpcId: IDS.vpc, cidr: '10.20.12.0/24', azName: 'eu-west-1a', azId: 'euw1-az3'}
      x.networkAcls![0].subnetIds.push(TASK_SUBNET)
      x.services!.find(v => v.name === 'worker')!.subnetIds = [TASK_SUBNET]
      x.networkAcls![0].subnetIds = x.networkAcls![0].subnetIds.filter(id => id !== IDS.subnets.a)
      x.networkAcls!.push({id: 'acl-0mt', vpcId: IDS.vpc, subnetIds: [IDS.subnets.a], isDefault: false, entries: mtEntries})
    })
  }
  const worker = (s: Snapshot) => run(s).filter(f => f.resource.type === 'ecs-service' && f.resource.id === 'worker')

  it('same-subnet task clients pass without an ACL check; instance findings are unchanged', () => {
    const s = withFault(x => { awsvpcWorker(x, {admitted: true}) })
    const f = worker(s)
    expect(f).toHaveLength(3)
    expect(f.every(x => x.status === 'pass' && x.message.includes('network ACLs do not apply'))).toBe(true)
    expect(run(s).filter(x => x.resource.type === 'ec2-instance')).toEqual(run(healthy()))
  })

  it('passes when the mount-target ACL admits 2049 from and returns ephemeral ports to the whole task subnet', () => {
    const f = worker(taskSubnet([taskEntry(100, false, '10.20.12.0/24', 2049, 2049), taskEntry(100, true, '10.20.0.0/16', 32768, 60999)]))
    expect(f).toHaveLength(1)
    expect(f[0].status).toBe('pass')
    expect(f[0].message).toContain('acl-0mt')
  })

  it('fails naming the subnet when the allow entry covers only part of the task subnet', () => {
    const f = worker(taskSubnet([taskEntry(100, false, '10.20.12.0/25', 2049, 2049), taskEntry(100, true, '10.20.0.0/16', 32768, 60999)]))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toMatch(/acl-0mt \(subnet-0aa1110000000000a\) rule \* drops inbound TCP 2049 from tasks in subnet-0ta5k00000000000a/)
    expect(f.message).toContain('10.20.12.0/25 covers only part of subnet subnet-0ta5k00000000000a (10.20.12.0/24)')
    expect(f.fix?.command).toContain('--network-acl-id acl-0mt --ingress --rule-number 32766 --protocol tcp --port-range From=2049,To=2049 --cidr-block 10.20.12.0/24')
  })

  it('uses the ephemeral return range (efs-utils noresvport): a deny on 32768-60999 fails, privileged ports do not matter', () => {
    const f = worker(taskSubnet([taskEntry(100, false, '0.0.0.0/0', 2049, 2049), taskEntry(90, true, '0.0.0.0/0', 40000, 40010, 'deny'), taskEntry(100, true, '0.0.0.0/0', 1024, 65535)]))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toMatch(/rule 90 drops return traffic to tasks in .* ports 32768-60999.*\(ports 40000-40010\)/)
    const ok = worker(taskSubnet([taskEntry(100, false, '0.0.0.0/0', 2049, 2049), taskEntry(100, true, '0.0.0.0/0', 1024, 65535)]))[0]
    expect(ok.status).toBe('pass')
  })

  it('is unknown when the task subnet CIDR or the ACLs were not read', () => {
    const noCidr = taskSubnet([])
    delete noCidr.subnets![TASK_SUBNET].cidr
    expect(worker(noCidr)[0].status).toBe('unknown')
    expect(worker(noCidr)[0].message).toContain(`CIDR of ${TASK_SUBNET}`)
    const noAcls = withFault(x => { awsvpcWorker(x, {admitted: true}); x.services!.find(v => v.name === 'worker')!.subnetIds = [TASK_SUBNET]
      x.subnets![TASK_SUBNET] = {id: TASK_SUBNET, vpcId: IDS.vpc, cidr: '10.20.12.0/24', azId: 'euw1-az3'}; x.networkAcls = [] })
    expect(worker(noAcls)[0].status).toBe('unknown')
  })
})
