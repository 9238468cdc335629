import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {buildSnapshot} from '../../src/lint/build-snapshot.js'
import {templateSnapshot} from '../../src/lint/index.js'
import {parseTemplate} from '../../src/lint/template.js'

const STACK = 'examples/templates/ecs-efs-stack.yaml'

describe('buildSnapshot over the example stack', () => {
  const s = templateSnapshot(STACK, {region: 'eu-west-1'})

  it('marks the source and scope, with the declared file system and why', () => {
    expect(s.scope).toMatchObject({source: 'template', template: STACK, region: 'eu-west-1', partition: 'aws', cluster: 'efs-demo'})
    expect(s.scope.fileSystems.map(f => f.id)).toEqual(['FileSystem'])
    expect(s.scope.fileSystems[0].reasons.join(' ')).toMatch(/AWS::EFS::FileSystem FileSystem \(line \d+\).*ReportsTaskDefinition/)
  })

  it('leaves live state out, so those checks are skipped (never pass)', () => {
    for (const part of ['cluster', 'containerInstances', 'instances', 'fileSystems', 'mountTargets', 'accessPoints', 'hostFacts'] as const) {
      expect(s[part]).toBeUndefined()
    }
  })

  it('records declared EFS structure and the hosts\' security groups in template facts', () => {
    expect(s.template!.fileSystems).toEqual([{id: 'FileSystem', name: 'efs-demo-shared', encrypted: true}])
    expect(s.template!.mountTargets).toEqual([
      {id: 'MountTargetA', fileSystemId: 'FileSystem', subnetId: 'SubnetA', securityGroupIds: ['EfsSecurityGroup']},
      {id: 'MountTargetB', fileSystemId: 'FileSystem', subnetId: 'SubnetB', securityGroupIds: ['EfsSecurityGroup']},
    ])
    expect(s.template!.accessPoints).toEqual([{id: 'ReportsAccessPoint', fileSystemId: 'FileSystem', rootDirectory: '/reports'}])
    expect(s.template!.hostSecurityGroups).toEqual({LaunchTemplate: ['InstanceSecurityGroup']})
    expect(s.template!.resourceLines.LaunchTemplate).toBe(109)
    expect(s.fileSystemPolicies).toEqual({FileSystem: null})
  })

  it('builds security groups with logical ids and CloudFormation\'s default egress', () => {
    expect(s.securityGroups!.EfsSecurityGroup.ingress).toEqual([
      {protocol: 'tcp', fromPort: 2049, toPort: 2049, ipv4Cidrs: [], ipv6Cidrs: [], groupIds: ['InstanceSecurityGroup'], prefixListIds: []}])
    expect(s.securityGroups!.InstanceSecurityGroup.egress).toEqual([
      {protocol: '-1', ipv4Cidrs: ['0.0.0.0/0'], ipv6Cidrs: [], groupIds: [], prefixListIds: []}])
    expect(s.securityGroups!.EfsSecurityGroup.vpcId).toBe('Vpc')
  })

  it('keeps subnets whose AZ comes from !GetAZs without an AZ, and the VPC DNS flags', () => {
    expect(s.subnets!.SubnetA).toEqual({id: 'SubnetA', vpcId: 'Vpc', cidr: '10.0.0.0/20'})
    // No DHCP options association: the VPC keeps the default options set (AmazonProvidedDNS).
    expect(s.vpcs!.Vpc).toEqual({id: 'Vpc', cidrs: ['10.0.0.0/16'], enableDnsSupport: true, enableDnsHostnames: true, domainNameServers: ['AmazonProvidedDNS']})
  })

  it('records the Auto Scaling groups (subnets and what they launch) and the AZ expressions of subnets', () => {
    expect(s.autoScalingGroups).toEqual([{name: 'AutoScalingGroup', subnetIds: ['SubnetA', 'SubnetB'], instanceIds: [],
      launchTemplate: {id: 'LaunchTemplate', version: '${LaunchTemplate.LatestVersionNumber}'}, userDataId: 'LaunchTemplate'}])
    expect(s.template!.subnetAzExpressions).toEqual({SubnetA: JSON.stringify({'Fn::Select': [0, {'Fn::GetAZs': ''}]}), SubnetB: JSON.stringify({'Fn::Select': [1, {'Fn::GetAZs': ''}]})})
  })

  it('reads the UserData script through Fn::Base64/Fn::Sub, pointing at the template line of its first line', () => {
    expect(s.userData).toHaveLength(1)
    const u = s.userData![0]
    expect(u).toMatchObject({id: 'LaunchTemplate', source: {type: 'template', id: 'LaunchTemplate'}, instanceIds: [],
      location: {file: STACK, line: 119, logicalId: 'LaunchTemplate'}})
    expect(u.text.split('\n')[0]).toBe('#!/bin/bash')
    expect(u.text).toContain('ECS_CLUSTER=efs-demo')
    expect(u.text).toContain('${FileSystem}.efs.eu-west-1.amazonaws.com:/ ${EFS_DIR} nfs4')
    expect(u.text).not.toContain('${!')
  })

  it('maps task definitions (CloudFormation spelling) and services', () => {
    const reports = s.taskDefinitions!.find(td => td.arn === 'ReportsTaskDefinition')!
    expect(reports).toMatchObject({family: 'efs-demo-reports', taskRoleArn: 'ReportsTaskRole', requiresCompatibilities: ['EC2'],
      location: {file: STACK, logicalId: 'ReportsTaskDefinition', line: 180}})
    expect(reports.volumes[0]).toEqual({name: 'reports', efsVolumeConfiguration: {fileSystemId: 'FileSystem', transitEncryption: 'ENABLED',
      authorizationConfig: {accessPointId: 'ReportsAccessPoint', iam: 'ENABLED'}}})
    const web = s.taskDefinitions!.find(td => td.arn === 'WebTaskDefinition')!
    expect(web.volumes).toEqual([{name: 'shared', host: {sourcePath: '/mnt/efs/shared'}}])
    expect(web.containers[0].mountPoints).toEqual([{sourceVolume: 'shared', containerPath: '/usr/share/nginx/html/uploads'}])
    expect(s.services!.map(x => [x.name, x.taskDefinitionArn, x.launchType])).toEqual([
      ['WebService', 'WebTaskDefinition', 'EC2'], ['ReportsService', 'ReportsTaskDefinition', 'EC2']])
  })

  it('keeps ${AWS::Region} as a placeholder without --region and names the cluster by placeholder when unnamed', () => {
    const t = parseTemplate(`Resources:
  Cluster: {Type: AWS::ECS::Cluster}
  Lt:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        UserData: !Base64 {"Fn::Sub": "#!/bin/bash\\necho ECS_CLUSTER=\${Cluster} > /etc/ecs/ecs.config\\necho \${AWS::Region}\\n"}
`, 'x.yaml')
    const x = buildSnapshot(t, {file: 'x.yaml'})
    expect(x.scope.cluster).toBe('${Cluster}')
    expect(x.scope.region).toBeUndefined()
    expect(x.userData![0].text).toBe('#!/bin/bash\necho ECS_CLUSTER=${Cluster} > /etc/ecs/ecs.config\necho ${AWS::Region}\n')
    expect(buildSnapshot(t, {file: 'x.yaml', clusterName: 'prod'}).userData![0].text).toContain('ECS_CLUSTER=prod')
  })

  it('--cluster-name does not override a ClusterName the template sets, and says so', () => {
    const t = parseTemplate(`Resources:
  Cluster: {Type: AWS::ECS::Cluster, Properties: {ClusterName: efs-demo}}
`, 'x.yaml')
    const s = buildSnapshot(t, {file: 'x.yaml', clusterName: 'other'})
    expect(s.scope.cluster).toBe('efs-demo')
    expect(s.scope.notes).toContain('--cluster-name other is not used: Cluster sets ClusterName efs-demo.')
    expect(buildSnapshot(t, {file: 'x.yaml', clusterName: 'efs-demo'}).scope.notes?.some(n => n.includes('--cluster-name'))).toBe(false)
  })

  it('adds separate ingress resources to their group, applies VPC DNS defaults, and redacts secrets', () => {
    const t = parseTemplate(`Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.1.0.0/16}}
  Sg: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: x, VpcId: !Ref Vpc, SecurityGroupEgress: []}}
  Rule:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !GetAtt Sg.GroupId, IpProtocol: tcp, FromPort: 2049, ToPort: 2049, CidrIp: 10.1.0.0/16}
  Lc:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      SecurityGroups: [!Ref Sg]
      UserData: !Base64 "#!/bin/bash\\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\\n"
`, 'y.yaml')
    const y = buildSnapshot(t, {file: 'y.yaml'})
    expect(y.securityGroups!.Sg.ingress).toEqual([{protocol: 'tcp', fromPort: 2049, toPort: 2049, ipv4Cidrs: ['10.1.0.0/16'], ipv6Cidrs: [], groupIds: [], prefixListIds: []}])
    // An empty SecurityGroupEgress list adds no rule, so AWS adds its allow-all default (only listed rules replace it).
    expect(y.securityGroups!.Sg.egress).toEqual([{protocol: '-1', ipv4Cidrs: ['0.0.0.0/0'], ipv6Cidrs: [], groupIds: [], prefixListIds: []}])
    expect(y.vpcs!.Vpc).toMatchObject({enableDnsSupport: true, enableDnsHostnames: false})
    expect(y.template!.hostSecurityGroups).toEqual({Lc: ['Sg']})
    expect(y.userData![0].text).not.toContain('wJalrXUtnFEMI')
    expect(y.taskDefinitions).toBeUndefined()
  })

  it('maps each script line of an Fn::Join UserData to the template line where it starts, however the JSON is laid out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'efsd-tpl-'))
    const body = JSON.parse(readFileSync('examples/templates/ecs-efs-stack.json', 'utf8'))
    const pretty = join(dir, 'pretty.json')
    const text = JSON.stringify(body, null, '\t')
    writeFileSync(pretty, text)
    const lines = text.split('\n')
    const map = templateSnapshot(pretty).template!.userDataLines!.LaunchConfiguration
    // Script line 7 (the fstab echo) is split over several items; it starts at the `"echo \"",` item.
    expect(lines[map[6] - 1].trim()).toBe('"echo \\"",')
    expect(lines[map[8] - 1].trim()).toBe('"  mount -a -t nfs4 && break\\n",')
    const minified = join(dir, 'min.json')
    writeFileSync(minified, JSON.stringify(body))
    expect(new Set(templateSnapshot(minified).template!.userDataLines!.LaunchConfiguration)).toEqual(new Set([1]))
  })

  it('maps a block-scalar Fn::Sub line for line and a quoted one to its single line', () => {
    const s = templateSnapshot(STACK)
    const map = s.template!.userDataLines!.LaunchTemplate
    expect(map.slice(0, 3)).toEqual([119, 120, 121])
    const t = parseTemplate('Resources:\n  Lt:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n        UserData: !Base64 "#!/bin/bash\\necho hi\\n"\n', 'q.yaml')
    expect(buildSnapshot(t, {file: 'q.yaml'}).template!.userDataLines!.Lt).toEqual([6, 6, 6])
  })

  it('does not pretend to read UserData chosen by a condition or taken from a parameter', () => {
    const t = parseTemplate(`Parameters:
  Script: {Type: String}
Conditions:
  Prod: !Equals [a, b]
Resources:
  A: {Type: AWS::EC2::LaunchTemplate, Properties: {LaunchTemplateData: {UserData: !If [Prod, !Base64 x, !Base64 y]}}}
  B: {Type: AWS::AutoScaling::LaunchConfiguration, Properties: {UserData: !Base64 {Ref: Script}}}
`, 'c.yaml')
    const x = buildSnapshot(t, {file: 'c.yaml'})
    expect(x.userData).toEqual([])
    expect(x.scope.notes!.filter(n => /UserData of (A|B) could not be read offline/.test(n))).toHaveLength(2)
  })
})

describe('buildSnapshot: network ACLs', () => {
  const build = (resources: string) => buildSnapshot(parseTemplate(`Parameters:\n  AclParam: {Type: String}\n  Port: {Type: Number}\nResources:\n${resources}`, 't.yaml'), {file: 't.yaml'})
  const VPC = `  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n  SubnetA:\n    Type: AWS::EC2::Subnet\n    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}\n`

  it('models the default ACL of a template VPC as allow-all both ways (the example stack)', () => {
    const acls = templateSnapshot(STACK).networkAcls!
    expect(acls).toHaveLength(1)
    expect(acls[0]).toMatchObject({id: '${Vpc.DefaultNetworkAcl}', vpcId: 'Vpc', isDefault: true, subnetIds: []})
    expect(acls[0].entries).toContainEqual({ruleNumber: 100, egress: true, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0'})
    expect(acls[0].entries).toContainEqual({ruleNumber: 100, egress: false, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0'})
  })

  it('reads NetworkAcl, NetworkAclEntry and SubnetNetworkAclAssociation, and entries added to the default ACL', () => {
    const s = build(`${VPC}  Acl:
    Type: AWS::EC2::NetworkAcl
    Properties: {VpcId: !Ref Vpc}
  In:
    Type: AWS::EC2::NetworkAclEntry
    Properties: {NetworkAclId: !Ref Acl, RuleNumber: 100, Protocol: 6, RuleAction: allow, CidrBlock: 10.0.0.0/16, PortRange: {From: 2049, To: 2049}}
  Out:
    Type: AWS::EC2::NetworkAclEntry
    Properties: {NetworkAclId: !Ref Acl, RuleNumber: 110, Protocol: -1, RuleAction: deny, Egress: true, Ipv6CidrBlock: '::/0'}
  Assoc:
    Type: AWS::EC2::SubnetNetworkAclAssociation
    Properties: {SubnetId: !Ref SubnetA, NetworkAclId: !Ref Acl}
  DefaultDeny:
    Type: AWS::EC2::NetworkAclEntry
    Properties: {NetworkAclId: !GetAtt Vpc.DefaultNetworkAcl, RuleNumber: 90, Protocol: 6, RuleAction: deny, Egress: true, CidrBlock: 10.9.0.0/16, PortRange: {From: 2049, To: 2049}}
`)
    const acl = s.networkAcls!.find(a => a.id === 'Acl')!
    expect(acl).toEqual({id: 'Acl', vpcId: 'Vpc', subnetIds: ['SubnetA'], isDefault: false, entries: [
      {ruleNumber: 100, egress: false, protocol: '6', action: 'allow', cidr: '10.0.0.0/16', portRange: {from: 2049, to: 2049}},
      {ruleNumber: 110, egress: true, protocol: '-1', action: 'deny', ipv6Cidr: '::/0'},
    ]})
    const def = s.networkAcls!.find(a => a.isDefault)!
    expect(def.entries).toContainEqual({ruleNumber: 90, egress: true, protocol: '6', action: 'deny', cidr: '10.9.0.0/16', portRange: {from: 2049, to: 2049}})
    expect(def.entries.filter(e => e.ruleNumber === 100)).toHaveLength(2)
  })

  it('reads parameters and ACLs outside the template as unknown entries, and fills networkAcls even with no VPC', () => {
    const s = build(`${VPC}  Acl:
    Type: AWS::EC2::NetworkAcl
    Properties: {VpcId: !Ref Vpc}
  FromParam:
    Type: AWS::EC2::NetworkAclEntry
    Properties: {NetworkAclId: !Ref Acl, RuleNumber: 100, Protocol: 6, RuleAction: allow, CidrBlock: 10.0.0.0/16, PortRange: {From: !Ref Port, To: !Ref Port}}
  Assoc:
    Type: AWS::EC2::SubnetNetworkAclAssociation
    Properties: {SubnetId: !Ref SubnetA, NetworkAclId: !Ref AclParam}
`)
    expect(s.networkAcls!.find(a => a.id === 'Acl')!.entries).toEqual([{ruleNumber: 0, egress: false, protocol: '${FromParam}', action: 'deny'}])
    const outside = s.networkAcls!.find(a => a.id === '${AclParam}')!
    expect(outside.subnetIds).toEqual(['SubnetA'])
    expect(outside.entries.every(e => e.protocol.includes('${'))).toBe(true)
    expect(build(`  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties: {GroupDescription: x}\n`).networkAcls).toEqual([])
  })
})

describe('hosts\' security groups in the forms real templates use', () => {
  // AWS in Action (test/fixtures/userdata-corpus/README.md cites it): AWS::EC2::Instance sets its groups on its network
  // interface (NetworkInterfaces[].GroupSet). Read as "no security groups", the mount targets' rule that admits
  // EFSClientSecurityGroup was a false 'admit no TCP 2049' error on a template that works.
  const FILE = 'test/fixtures/userdata-corpus/awsinaction-bash-heredoc-try.yaml'

  it('an instance\'s NetworkInterfaces GroupSet are its groups, and the mount-target rule for them passes', async () => {
    const {lintTemplateFile} = await import('../../src/lint/index.js')
    const {report, snapshot} = await lintTemplateFile(FILE, {region: 'us-east-1'})
    expect(snapshot.template!.hostSecurityGroups.EC2InstanceA).toEqual(['EC2SecurityGroup', 'EFSClientSecurityGroup'])
    const sg = report.findings.filter(f => f.checkId === 'network/mount-target-sg-allows-nfs')
    expect(sg.map(f => f.status)).toEqual(['pass', 'pass'])
  })
})
