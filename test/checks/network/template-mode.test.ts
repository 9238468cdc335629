import {clientSgEgressNfs} from '../../../src/checks/network/client-sg-egress-nfs.js'
import {mountTargetSgAllowsNfs} from '../../../src/checks/network/mount-target-sg-allows-nfs.js'
import {vpcDns} from '../../../src/checks/network/vpc-dns.js'
import {mountTargetPerAz} from '../../../src/checks/efs/mount-target-per-az.js'
import {cidrRelation} from '../../../src/checks/_lib/template-network.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Check, Finding} from '../../../src/core/types.js'
import {buildSnapshot} from '../../../src/lint/build-snapshot.js'
import {parseTemplate} from '../../../src/lint/template.js'

interface Opts {
  efsIngress?: string
  hostSgProps?: string
  vpc?: string
  subnetA?: string
  hostGroups?: string
  zones?: string
  extra?: string
  parameters?: string
}

/** A small stack: VPC, two subnets, host and EFS groups, one mount target per subnet, a launch template and an ASG. */
function template(o: Opts = {}): string {
  return `${o.parameters ?? ''}Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: ${o.vpc ?? '{CidrBlock: 10.0.0.0/16, EnableDnsHostnames: true}'}
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties: ${o.subnetA ?? '{VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/20}'}
  SubnetB:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.16.0/20}
  HostSg:
    Type: AWS::EC2::SecurityGroup
    Properties: ${o.hostSgProps ?? '{GroupDescription: hosts, VpcId: !Ref Vpc}'}
  EfsSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: efs
      VpcId: !Ref Vpc
      SecurityGroupIngress: ${o.efsIngress ?? '[{IpProtocol: tcp, FromPort: 2049, ToPort: 2049, SourceSecurityGroupId: !Ref HostSg}]'}
  Fs: {Type: AWS::EFS::FileSystem}
  MtA: {Type: AWS::EFS::MountTarget, Properties: {FileSystemId: !Ref Fs, SubnetId: !Ref SubnetA, SecurityGroups: [!Ref EfsSg]}}
  MtB: {Type: AWS::EFS::MountTarget, Properties: {FileSystemId: !Ref Fs, SubnetId: !Ref SubnetB, SecurityGroups: [!Ref EfsSg]}}
  Lt:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        SecurityGroupIds: ${o.hostGroups ?? '[!Ref HostSg]'}
        UserData:
          Fn::Base64: !Sub |
            #!/bin/bash
            yum install -y amazon-efs-utils
            mkdir -p /mnt/efs
            echo "\${Fs}:/ /mnt/efs efs _netdev,tls 0 0" >> /etc/fstab
            mount -a
  Asg:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '1'
      MaxSize: '2'
      VPCZoneIdentifier: ${o.zones ?? '[!Ref SubnetA, !Ref SubnetB]'}
      LaunchTemplate: {LaunchTemplateId: !Ref Lt, Version: '1'}
${o.extra ?? ''}`
}

function lint(check: Check, o: Opts = {}): Finding[] {
  const s = buildSnapshot(parseTemplate(template(o), 't.yaml'), {file: 't.yaml', now: '2026-11-27T00:00:00Z'})
  return runChecks([check], s).findings
}

const one = (fs: Finding[]): Finding => {
  expect(fs).toHaveLength(1)
  return fs[0]
}

describe('network/mount-target-sg-allows-nfs on a template', () => {
  it('passes when the EFS group admits TCP 2049 from the hosts\' group by reference', () => {
    const f = one(lint(mountTargetSgAllowsNfs))
    expect(f.status).toBe('pass')
    expect(f.resource).toEqual({type: 'security-group', id: 'EfsSg'})
    expect(f.evidence).toMatchObject({mountTargets: ['MtA', 'MtB'], host: 'Lt', allowedBy: {groupId: 'EfsSg', source: 'HostSg'}})
  })

  it('fails when the only rule from the hosts is for port 22, with a template-oriented fix', () => {
    const f = one(lint(mountTargetSgAllowsNfs, {efsIngress: '[{IpProtocol: tcp, FromPort: 22, ToPort: 22, SourceSecurityGroupId: !Ref HostSg}]'}))
    expect(f.status).toBe('fail')
    expect(f.resource.id).toBe('EfsSg')
    expect(f.message).toMatch(/MtA, MtB \(EfsSg\) admit no TCP 2049 from the hosts of Lt \(HostSg\)/)
    expect(f.fix?.summary).toMatch(/SecurityGroupIngress \{IpProtocol: tcp, FromPort: 2049, ToPort: 2049, SourceSecurityGroupId: !Ref HostSg\} to EfsSg/)
  })

  it('accepts all-traffic from the hosts\' group and a separate AWS::EC2::SecurityGroupIngress resource', () => {
    expect(one(lint(mountTargetSgAllowsNfs, {efsIngress: '[{IpProtocol: "-1", SourceSecurityGroupId: !Ref HostSg}]'})).status).toBe('pass')
    const extra = `  Rule:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !GetAtt EfsSg.GroupId, IpProtocol: tcp, FromPort: 2049, ToPort: 2049, SourceSecurityGroupId: !GetAtt HostSg.GroupId}
`
    expect(one(lint(mountTargetSgAllowsNfs, {efsIngress: '[]', extra})).status).toBe('pass')
  })

  it('evaluates CIDR rules against the CIDRs of the ASG subnets: covered, not covered, not known', () => {
    const cidr = (c: string) => `[{IpProtocol: tcp, FromPort: 2049, ToPort: 2049, CidrIp: ${c}}]`
    expect(one(lint(mountTargetSgAllowsNfs, {efsIngress: cidr('10.0.0.0/16')})).status).toBe('pass')
    expect(one(lint(mountTargetSgAllowsNfs, {efsIngress: '[{IpProtocol: tcp, FromPort: 2049, ToPort: 2049, CidrIp: !GetAtt Vpc.CidrBlock}]'})).status).toBe('pass')
    const partial = one(lint(mountTargetSgAllowsNfs, {efsIngress: cidr('10.0.0.0/20')}))
    expect(partial.status).toBe('fail')
    expect(partial.message).toContain('SubnetB (10.0.16.0/20)')
    const param = one(lint(mountTargetSgAllowsNfs, {parameters: 'Parameters:\n  SubnetCidr: {Type: String}\n', subnetA: '{VpcId: !Ref Vpc, CidrBlock: !Ref SubnetCidr}', efsIngress: cidr('10.0.16.0/20')}))
    expect(param.status).toBe('unknown')
    expect(param.message).toMatch(/subnet SubnetA has no CIDR/)
    const zones = one(lint(mountTargetSgAllowsNfs, {parameters: 'Parameters:\n  Subnets: {Type: "List<AWS::EC2::Subnet::Id>"}\n', zones: '!Ref Subnets', efsIngress: cidr('10.0.0.0/16')}))
    expect(zones.status).toBe('unknown')
  })

  it('is unknown, not fail, when a group comes from outside the template', () => {
    const f = one(lint(mountTargetSgAllowsNfs, {parameters: 'Parameters:\n  HostSgId: {Type: "AWS::EC2::SecurityGroup::Id"}\n', hostGroups: '[!Ref HostSgId]'}))
    expect(f.status).toBe('unknown')
    expect(f.message).toMatch(/\$\{HostSgId\}/)
    const imported = one(lint(mountTargetSgAllowsNfs, {efsIngress: '[{IpProtocol: tcp, FromPort: 2049, ToPort: 2049, SourceSecurityGroupId: sg-0123456789abcdef0}]', hostGroups: '[!Ref HostSg, sg-0aaaaaaaaaaaaaaaa]'}))
    expect(imported.status).toBe('unknown')
  })
})

describe('network/client-sg-egress-nfs on a template', () => {
  it('passes on CloudFormation\'s default egress (no property, or an empty list)', () => {
    expect(one(lint(clientSgEgressNfs)).status).toBe('pass')
    const f = one(lint(clientSgEgressNfs, {hostSgProps: '{GroupDescription: hosts, VpcId: !Ref Vpc, SecurityGroupEgress: []}'}))
    expect(f.status).toBe('pass')
    expect(f.resource).toEqual({type: 'security-group', id: 'HostSg'})
  })

  it('passes on explicit egress to the EFS group, fails when egress lists only 443', () => {
    const to = (rule: string) => `{GroupDescription: hosts, VpcId: !Ref Vpc, SecurityGroupEgress: [${rule}]}`
    expect(one(lint(clientSgEgressNfs, {hostSgProps: to('{IpProtocol: tcp, FromPort: 2049, ToPort: 2049, DestinationSecurityGroupId: !Ref EfsSg}')})).status).toBe('pass')
    const f = one(lint(clientSgEgressNfs, {hostSgProps: to('{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}')}))
    expect(f.status).toBe('fail')
    expect(f.message).toMatch(/HostSg \(hosts of Lt\) allow no TCP 2049 to mount targets MtA, MtB/)
    expect(f.fix?.summary).toMatch(/SecurityGroupEgress \{IpProtocol: tcp, FromPort: 2049, ToPort: 2049, DestinationSecurityGroupId: !Ref EfsSg\} to HostSg/)
  })

  it('is unknown when egress is chosen by a condition or the host group is a parameter', () => {
    expect(one(lint(clientSgEgressNfs, {hostSgProps: '{GroupDescription: hosts, SecurityGroupEgress: !If [Locked, [], []]}'})).status).toBe('unknown')
    expect(one(lint(clientSgEgressNfs, {parameters: 'Parameters:\n  HostSgId: {Type: String}\n', hostGroups: '[!Ref HostSgId]'})).status).toBe('unknown')
  })
})

describe('network/vpc-dns on a template', () => {
  it('passes with DNS hostnames on; fails on the CloudFormation default EnableDnsHostnames false', () => {
    expect(one(lint(vpcDns)).status).toBe('pass')
    const f = one(lint(vpcDns, {vpc: '{CidrBlock: 10.0.0.0/16}'}))
    expect(f.status).toBe('fail')
    expect(f.resource).toEqual({type: 'vpc', id: 'Vpc'})
    expect(f.message).toMatch(/EnableDnsHostnames false \(the CloudFormation default when unset\)/)
    expect(f.message).toMatch(/UserData Lt line 4 mounts/)
    expect(f.fix?.summary).toBe('Set EnableDnsHostnames: true on Vpc (or mount by mount-target IP).')
  })

  it('is unknown when a flag is a parameter or the subnets\' VPC is not in the template', () => {
    const p = one(lint(vpcDns, {parameters: 'Parameters:\n  Dns: {Type: String}\n', vpc: '{CidrBlock: 10.0.0.0/16, EnableDnsHostnames: !Ref Dns}'}))
    expect(p.status).toBe('unknown')
    expect(p.message).toMatch(/EnableDnsHostnames not known/)
    const outside = lint(vpcDns, {parameters: 'Parameters:\n  VpcId: {Type: String}\n', subnetA: '{VpcId: !Ref VpcId, CidrBlock: 10.0.0.0/20}'})
    expect(outside.find(f => f.message.includes('${VpcId}'))?.status).toBe('unknown')
  })

  it('says once, naming them, that the VPC of subnets from parameters is not known (not a "subnet ${If}" per subnet)', () => {
    const parameters = 'Parameters:\n  Subnets: {Type: "List<AWS::EC2::Subnet::Id>"}\n'
    const fs = lint(vpcDns, {parameters, zones: '[!Select [0, !Ref Subnets], !Select [1, !Ref Subnets]]'})
    // NOTE: the mount targets' subnets are declared in Vpc, which passes; the hosts' two subnets are one unknown.
    expect(fs.map(f => [f.status, f.resource.id])).toEqual([['unknown', 't.yaml'], ['pass', 'Vpc']])
    expect(fs[0].message).toBe('The VPC of subnets ${Select:0:Subnets}, ${Select:1:Subnets} is not declared in this template (they come from a parameter, condition or import), so its DNS settings are not known.')
    expect(fs[0].evidence).toEqual({subnets: ['${Select:0:Subnets}', '${Select:1:Subnets}']})
    const cond = lint(vpcDns, {parameters: `${parameters}Conditions:\n  One: !Equals [a, a]\n`, zones: '!If [One, [!Select [0, !Ref Subnets]], !Ref Subnets]'})
    expect(cond[0].message).toMatch(/^The VPC of subnet \$\{If:One\} is not declared/)
  })

  it('is skipped for a template with no file system, mount target or EFS mount (a bastion stack)', () => {
    const bastion = `Parameters:\n  Subnets: {Type: "List<AWS::EC2::Subnet::Id>"}\nResources:\n  Lt: {Type: AWS::EC2::LaunchTemplate, Properties: {LaunchTemplateData: {ImageId: ami-1}}}\n  Asg:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties: {MinSize: '1', MaxSize: '1', VPCZoneIdentifier: !Ref Subnets, LaunchTemplate: {LaunchTemplateId: !Ref Lt, Version: '1'}}\n`
    const f = one(runChecks([vpcDns], buildSnapshot(parseTemplate(bastion, 't.yaml'), {file: 't.yaml'})).findings)
    expect(f.status).toBe('skipped')
  })

  it('flags custom DHCP DNS servers declared in the template as a warning', () => {
    const extra = `  Dhcp: {Type: AWS::EC2::DHCPOptions, Properties: {DomainNameServers: [10.0.0.10]}}
  DhcpAssoc: {Type: AWS::EC2::VPCDHCPOptionsAssociation, Properties: {VpcId: !Ref Vpc, DhcpOptionsId: !Ref Dhcp}}
`
    const f = one(lint(vpcDns, {extra}))
    expect(f.status).toBe('fail')
    expect(f.severity).toBe('warning')
  })
})

describe('efs/mount-target-per-az on a template', () => {
  const subnet = (id: string, az: string, cidr: string) => `  ${id}: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: ${cidr}, AvailabilityZone: ${az}}}\n`
  const azA = "!Select [0, !GetAZs '']"

  it('passes each ASG subnet that has a mount target in it', () => {
    const fs = lint(mountTargetPerAz)
    expect(fs.map(f => [f.status, f.evidence?.subnet])).toEqual([['pass', 'SubnetA'], ['pass', 'SubnetB']])
    expect(fs[0].resource).toEqual({type: 'efs-file-system', id: 'Fs'})
  })

  it('passes a subnet whose AZ expression equals a mount-target subnet\'s; fails a provably different AZ', () => {
    const same = lint(mountTargetPerAz, {subnetA: `{VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/20, AvailabilityZone: ${azA}}`,
      extra: subnet('SubnetC', azA, '10.0.32.0/20'), zones: '[!Ref SubnetC]'})
    expect(one(same).status).toBe('pass')
    expect(one(same).evidence?.mountTargetId).toBe('MtA')
    const other = lint(mountTargetPerAz, {subnetA: `{VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/20, AvailabilityZone: ${azA}}`,
      extra: subnet('SubnetC', "!Select [2, !GetAZs '']", '10.0.32.0/20'), zones: '[!Ref SubnetC]'})
    // SubnetB has no AZ at all, so SubnetC cannot be proven to lack a mount target.
    expect(one(other).status).toBe('unknown')
  })

  it('fails when every mount-target subnet is provably in another AZ, with a template fix', () => {
    const t = {subnetA: '{VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/20, AvailabilityZone: eu-west-1a}',
      extra: subnet('SubnetC', 'eu-west-1c', '10.0.32.0/20'), zones: '[!Ref SubnetC]'}
    const s = template(t).replace('SubnetId: !Ref SubnetB', 'SubnetId: !Ref SubnetA')
    const f = one(runChecks([mountTargetPerAz], buildSnapshot(parseTemplate(s, 't.yaml'), {file: 't.yaml'})).findings)
    expect(f.status).toBe('fail')
    expect(f.fix?.summary).toMatch(/AWS::EFS::MountTarget \{FileSystemId: !Ref Fs, SubnetId: !Ref SubnetC, SecurityGroups: \[!Ref EfsSg\]\}/)
    // Different indexes into the same !GetAZs list are different AZs.
    const byIndex = template({subnetA: `{VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/20, AvailabilityZone: ${azA}}`,
      extra: subnet('SubnetC', "!Select [2, !GetAZs '']", '10.0.32.0/20'), zones: '[!Ref SubnetC]'}).replace('SubnetId: !Ref SubnetB', 'SubnetId: !Ref SubnetA')
    expect(one(runChecks([mountTargetPerAz], buildSnapshot(parseTemplate(byIndex, 't.yaml'), {file: 't.yaml'})).findings).status).toBe('fail')
  })

  it('tells elements of a subnet-list parameter apart: a mount target in element 0 does not serve element 1', () => {
    // NOTE: both used to read `${Select}`, one made-up subnet shared by the mount target and both ASG subnets (a pass).
    const t = template({parameters: 'Parameters:\n  Subnets: {Type: "List<AWS::EC2::Subnet::Id>"}\n',
      zones: '[!Select [0, !Ref Subnets], !Select [1, !Ref Subnets]]'})
      .replace('SubnetId: !Ref SubnetA', 'SubnetId: !Select [0, !Ref Subnets]').replace(/ {2}MtB:.*\n/, '')
    const fs = runChecks([mountTargetPerAz], buildSnapshot(parseTemplate(t, 't.yaml'), {file: 't.yaml'})).findings
    expect(fs.map(f => [f.evidence?.subnet, f.status])).toEqual([['${Select:0:Subnets}', 'pass'], ['${Select:1:Subnets}', 'unknown']])
  })

  it('is skipped when the template declares no Auto Scaling group', () => {
    const s = template().replace(/ {2}Asg:[\s\S]*$/, '')
    const f = one(runChecks([mountTargetPerAz], buildSnapshot(parseTemplate(s, 't.yaml'), {file: 't.yaml'})).findings)
    expect(f.status).toBe('skipped')
  })
})

describe('cidrRelation', () => {
  it('tells covering, disjoint and partial ranges apart', () => {
    expect(cidrRelation('10.0.0.0/16', '10.0.16.0/20')).toBe('covers')
    expect(cidrRelation('10.0.0.0/20', '10.0.16.0/20')).toBe('disjoint')
    expect(cidrRelation('10.0.0.0/24', '10.0.0.0/20')).toBe('partial')
    expect(cidrRelation('${X}', '10.0.0.0/20')).toBe('unknown')
  })
})
