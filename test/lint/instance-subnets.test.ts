/**
 * Hosts that are plain AWS::EC2::Instance resources name their subnet themselves (SubnetId, or on a network
 * interface); before, only Auto Scaling groups gave hosts subnets, so the network ACL check said "unknown" for them.
 * Real template: AWSinAction/code3 chapter09/efs.yaml (two instances, each in its own subnet through
 * NetworkInterfaces; cited in test/fixtures/templates/SOURCES.md). Placeholders for values only known at deploy time
 * keep enough of the expression to tell two subnets apart.
 */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {lintTemplateFile} from '../../src/lint/index.js'

const FILE = 'test/fixtures/templates/awsinaction3-chapter09-efs.yaml'
const tmp = mkdtempSync(join(tmpdir(), 'efsd-instance-subnets-'))

function variant(name: string, edit: (text: string) => string): string {
  const file = join(tmp, name)
  writeFileSync(file, edit(readFileSync(FILE, 'utf8')))
  return file
}

describe('lint: subnets of plain instances', () => {
  it('evaluates the NACLs of each instance\'s own subnet (AWS in Action, chapter 9)', async () => {
    const {report, snapshot} = await lintTemplateFile(FILE, {})
    expect(snapshot.template?.hostSubnets).toEqual({EC2InstanceA: ['SubnetA'], EC2InstanceB: ['SubnetB']})
    const nacl = report.findings.filter(f => f.checkId === 'network/nacl-allows-nfs')
    expect(nacl.map(f => [f.resource.id, f.status])).toEqual([['EC2InstanceA', 'pass'], ['EC2InstanceB', 'pass']])
    expect(nacl[0].message).toMatch(/in SubnetA/)
  })

  it('fails when the instance\'s own subnet has a NACL that drops NFS to the mount target of its AZ', async () => {
    // EC2InstanceA moved to a new subnet in SubnetA's AZ (same `!Select [0, !GetAZs '']`) whose NACL has no entries:
    // only the implicit deny, so TCP 2049 to MountTargetA (in SubnetA) cannot leave it.
    const closed = [
      '  SubnetC:', "    Type: 'AWS::EC2::Subnet'", '    Properties:', "      AvailabilityZone: !Select [0, !GetAZs '']",
      "      CidrBlock: '172.31.40.0/24'", '      VpcId: !Ref VPC', '  ClosedAcl:', '    Type: AWS::EC2::NetworkAcl', '    Properties:',
      '      VpcId: !Ref VPC', '  ClosedAclAssociation:', '    Type: AWS::EC2::SubnetNetworkAclAssociation', '    Properties:',
      '      SubnetId: !Ref SubnetC', '      NetworkAclId: !Ref ClosedAcl', ''].join('\n')
    const file = variant('closed.yaml', t => t
      .replace('Resources:\n', `Resources:\n${closed}`)
      .replace(/(EC2InstanceA:[\s\S]*?SubnetId: !Ref )SubnetA/, '$1SubnetC'))
    const {report} = await lintTemplateFile(file, {})
    const nacl = report.findings.filter(f => f.checkId === 'network/nacl-allows-nfs')
    expect(nacl.map(f => [f.resource.id, f.status])).toEqual([['ClosedAcl', 'fail'], ['EC2InstanceB', 'pass']])
    expect(nacl[0].message).toMatch(/SubnetC/)
    expect(nacl[0].message).toMatch(/EC2InstanceA/)
  })

  it('an instance with SubnetId from a parameter gets that placeholder subnet, not "no subnet"', async () => {
    const file = variant('param.yaml', t => t
      .replace('Resources:', 'Parameters:\n  InstanceSubnet:\n    Type: AWS::EC2::Subnet::Id\nResources:')
      .replace(/(EC2InstanceB:[\s\S]*?SubnetId: )!Ref SubnetB/, '$1!Ref InstanceSubnet'))
    const {report} = await lintTemplateFile(file, {})
    const b = report.findings.filter(f => f.checkId === 'network/nacl-allows-nfs' && f.resource.id === 'EC2InstanceB')
    expect(b.map(f => f.status)).toEqual(['unknown'])
    expect(b[0].message).toMatch(/\$\{InstanceSubnet\}/)
    expect(b[0].message).not.toMatch(/no Auto Scaling group/)
  })
})
