/** The generated-snippet fix of the userdata checks: in lint it names the file system as the template does. */
import {snippetCommand} from '../../../src/checks/_lib/user-data-check.js'
import {healthy} from '../../support/snapshot-builder.js'

const template = (fileSystems: string[]) => {
  const s = healthy()
  s.scope.source = 'template'
  s.scope.fileSystems = fileSystems.map(id => ({id, reasons: ['declared in the template'], usedBy: []}))
  return s
}

describe('snippetCommand', () => {
  it('live: the file system in scope, by id', () => {
    expect(snippetCommand(healthy(), {mountPoint: '/mnt/efs'})).toBe(`efsdoctor userdata --file-system ${healthy().scope.fileSystems[0].id} --path /mnt/efs`)
  })

  it('lint: the logical id in scope; else the name the mount uses; else no command (never a parameter the template lacks)', () => {
    expect(snippetCommand(template(['SharedFs']), {mountPoint: '/efs'})).toBe("efsdoctor userdata --format cfn-yaml --file-system '${SharedFs}' --path /efs")
    // The EFS performance tutorial: the file system is a parameter, ElasticFileSystem, used in a DNS name.
    expect(snippetCommand(template([]), {mountPoint: '/efs', device: '${ElasticFileSystem}.efs.${AWS::Region}.amazonaws.com:/'}))
      .toBe("efsdoctor userdata --format cfn-yaml --file-system '${ElasticFileSystem}' --path /efs")
    expect(snippetCommand(template([]), {mountPoint: '/efs', device: '${Efs}:/'})).toBe("efsdoctor userdata --format cfn-yaml --file-system '${Efs}' --path /efs")
    // d2si/aws-ecs-jenkins: an AZ-prefixed name, the file system before .efs.
    expect(snippetCommand(template([]), {mountPoint: '/efs', device: '$aws_az.${EFSFileSystem}.efs.eu-west-1.amazonaws.com:/'}))
      .toBe("efsdoctor userdata --format cfn-yaml --file-system '${EFSFileSystem}' --path /efs")
    for (const device of [undefined, '10.0.1.5:/', '${!Efs}:/', '${AWS::Region}.efs:/']) {
      expect(snippetCommand(template([]), {mountPoint: '/efs', device})).toBeUndefined()
    }
    // NFS needs a host name in `${X}:/`, so X is a DNS name or an address, not an id.
    expect(snippetCommand(template([]), {mountPoint: '/efs', device: '${ElasticFileSystemDnsName}:/', fsType: 'nfs4'})).toBeUndefined()
  })

  it('keeps what the mount chose: the NFS client, TLS, IAM, the access point', () => {
    const fs = healthy().scope.fileSystems[0].id
    expect(snippetCommand(healthy(), {mountPoint: '/data', fsType: 'nfs4', options: ['nfsvers=4.1', '_netdev']})).toBe(`efsdoctor userdata --file-system ${fs} --path /data --method nfs`)
    expect(snippetCommand(healthy(), {mountPoint: '/data', fsType: 'efs', options: ['_netdev', 'tls', 'iam', 'accesspoint=fsap-0123456789abcdef0']}))
      .toBe(`efsdoctor userdata --file-system ${fs} --path /data --tls --iam --access-point fsap-0123456789abcdef0`)
    expect(snippetCommand(healthy(), {mountPoint: '/data', fsType: 'efs', options: ['_netdev']})).toBe(`efsdoctor userdata --file-system ${fs} --path /data`)
  })
})
