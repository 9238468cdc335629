import {naclAllowsNfs} from '../../../src/checks/network/nacl-allows-nfs.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {NaclEntry, Snapshot} from '../../../src/model/snapshot.js'
import {buildSnapshot} from '../../../src/lint/build-snapshot.js'
import {parseTemplate} from '../../../src/lint/template.js'
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

  it('gives every entry its fixes suggest for one ACL and direction a rule number of its own (pasted one after another, all succeed)', () => {
    // One ACL for every subnet; each mount target in a subnet of its own: the hosts' ACL drops the return traffic from
    // the mount target of their AZ, so three different entries are needed in one ACL, one direction.
    const s = withFault(x => {
      const subnets = Object.values(x.subnets!)
      x.mountTargets!.forEach((mt, i) => {
        const id = `subnet-0mt${i}00000000000${i}`
        x.subnets![id] = {...subnets[i], id, cidr: `10.20.${12 + i}.0/24`}
        mt.subnetId = id
        mt.ipAddress = `10.20.${12 + i}.25`
      })
      x.networkAcls = [{id: 'acl-0shared', vpcId: IDS.vpc, subnetIds: Object.keys(x.subnets!), isDefault: false,
        entries: [allow(100, false, 2049, 2049), {...allow(100, true, 0, 65535), portRange: undefined, protocol: '-1'}]}]
    })
    const commands = [...new Set(run(s).filter(f => f.status === 'fail').flatMap(f => (f.fix?.command ?? '').split(' && ')))]
    const numbers = commands.map(c => /--ingress --rule-number (\d+)/.exec(c)?.[1])
    expect(commands).toHaveLength(3)
    expect(new Set(numbers).size).toBe(3)
    expect(numbers.every(n => Number(n) < 32767)).toBe(true)
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

describe('network/nacl-allows-nfs: template mode (lint)', () => {
  /** Hosts in SubnetA (10.0.0.0/20); the mount target in EfsSubnet (same AZ expression) guarded by `acl`, or `extra`. */
  function lint(opts: {acl?: string; mount?: string; hostSubnet?: string; extra?: string} = {}): Snapshot {
    const mount = opts.mount ?? 'nfs4 nfsvers=4.1,noresvport,_netdev'
    const text = `Parameters:
  ExternalSubnet: {Type: String}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/20, AvailabilityZone: !Select [0, !GetAZs '']}
  EfsSubnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.200.0/24, AvailabilityZone: !Select [0, !GetAZs '']}
  FileSystem:
    Type: AWS::EFS::FileSystem
  MountTarget:
    Type: AWS::EFS::MountTarget
    Properties: {FileSystemId: !Ref FileSystem, SubnetId: !Ref EfsSubnet, SecurityGroups: [!Ref Sg]}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: x, VpcId: !Ref Vpc}
  LaunchTemplate:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        SecurityGroupIds: [!Ref Sg]
        UserData:
          Fn::Base64: !Sub |
            #!/bin/bash
            echo "\${FileSystem}.efs.\${AWS::Region}.amazonaws.com:/ /mnt/efs ${mount} 0 0" >> /etc/fstab
            mount -a
  Asg:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      VPCZoneIdentifier: [${opts.hostSubnet ?? '!Ref SubnetA'}]
      LaunchTemplate: {LaunchTemplateId: !Ref LaunchTemplate, Version: '1'}
${opts.acl === undefined ? '' : `  EfsAcl:
    Type: AWS::EC2::NetworkAcl
    Properties: {VpcId: !Ref Vpc}
  EfsAssoc:
    Type: AWS::EC2::SubnetNetworkAclAssociation
    Properties: {SubnetId: !Ref EfsSubnet, NetworkAclId: !Ref EfsAcl}
${opts.acl}`}${opts.extra ?? ''}`
    return buildSnapshot(parseTemplate(text, 't.yaml'), {file: 't.yaml'})
  }
  const entry = (id: string, rule: number, egress: boolean, cidr: string, from: number | string, to: number | string, action = 'allow') =>
    `  ${id}:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties: {NetworkAclId: !Ref EfsAcl, RuleNumber: ${rule}, Protocol: 6, RuleAction: ${action}, Egress: ${egress}, CidrBlock: ${cidr}, PortRange: {From: ${from}, To: ${to}}}\n`
  const nfsIn = entry('In', 100, false, '10.0.0.0/16', 2049, 2049)

  it('passes with the default ACL of a template VPC (allow-all) and with a custom ACL that returns the right ports', () => {
    const def = run(lint())
    expect(def).toHaveLength(1)
    expect(def[0]).toMatchObject({status: 'pass', resource: {type: 'cloudformation-resource', id: 'LaunchTemplate'}})
    expect(def[0].message).toContain('${Vpc.DefaultNetworkAcl}')
    const custom = run(lint({acl: nfsIn + entry('Out', 100, true, '10.0.0.0/16', 1024, 65535)}))
    expect(custom[0].status).toBe('pass')
    expect(custom[0].message).toContain('EfsAcl')
  })

  it('fails at the ACL logical id when the return rule misses the privileged ports of a mount without noresvport', () => {
    const f = run(lint({acl: nfsIn + entry('Out', 100, true, '10.0.0.0/16', 1024, 65535), mount: 'nfs4 nfsvers=4.1,_netdev'}))[0]
    expect(f.status).toBe('fail')
    expect(f.resource).toEqual({type: 'cloudformation-resource', id: 'EfsAcl'})
    expect(f.message).toMatch(/EfsAcl \(EfsSubnet\) rule \* drops return traffic to hosts in SubnetA \(10\.0\.0\.0\/20\) ports 665-1023/)
    expect(f.fix?.summary).toContain('NetworkAclId: !Ref EfsAcl, RuleNumber: 32766, Protocol: 6, RuleAction: allow, Egress: true, CidrBlock: 10.0.0.0/20, PortRange: {From: 665, To: 1023}')
  })

  it('fails naming the subnet when an allow entry covers only part of the host subnet', () => {
    const f = run(lint({acl: entry('In', 100, false, '10.0.0.0/21', 2049, 2049) + entry('Out', 100, true, '10.0.0.0/16', 1024, 65535)}))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toContain('10.0.0.0/21 covers only part of subnet SubnetA (10.0.0.0/20)')
  })

  it('fails on a deny added to the default ACL with !GetAtt Vpc.DefaultNetworkAcl, pointing at the VPC', () => {
    const f = run(lint({extra: '  Deny:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties: {NetworkAclId: !GetAtt Vpc.DefaultNetworkAcl, RuleNumber: 50, Protocol: 6, RuleAction: deny, CidrBlock: 10.0.0.0/16, PortRange: {From: 2049, To: 2049}}\n'}))[0]
    expect(f.status).toBe('fail')
    expect(f.resource.id).toBe('Vpc')
    expect(f.message).toContain('rule 50 drops inbound TCP 2049 from hosts in SubnetA')
  })

  it('is unknown for values from parameters, ACLs and subnets outside the template, never pass', () => {
    const param = run(lint({acl: nfsIn + entry('Out', 100, true, '10.0.0.0/16', '!Ref ExternalSubnet', 65535)}))[0]
    expect(param.status).toBe('unknown')
    expect(param.message).toContain('EfsAcl rule 0 is not known offline')
    const outside = run(lint({extra: '  Assoc:\n    Type: AWS::EC2::SubnetNetworkAclAssociation\n    Properties: {SubnetId: !Ref SubnetA, NetworkAclId: !Ref ExternalSubnet}\n'}))[0]
    expect(outside.status).toBe('unknown')
    const ext = run(lint({hostSubnet: '!Ref ExternalSubnet'}))[0]
    expect(ext.status).toBe('unknown')
    expect(ext.message).toMatch(/is not defined in the template/)
  })

  it('passes hosts that share the mount target subnet without looking at ACLs', () => {
    const f = run(lint({hostSubnet: '!Ref EfsSubnet', acl: entry('Out', 100, true, '10.0.0.0/16', 1024, 1024)}))[0]
    expect(f.status).toBe('pass')
    expect(f.message).toContain('network ACLs do not apply')
  })
})
