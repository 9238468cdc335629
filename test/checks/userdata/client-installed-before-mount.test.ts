import {runChecks} from '../../../src/core/run-checks.js'
import {clientInstalledBeforeMount} from '../../../src/checks/userdata/client-installed-before-mount.js'
import {denied, healthy} from '../../support/snapshot-builder.js'
import {udFixture, withUserData} from '../../support/user-data-fixtures.js'

const run = (text: string) => clientInstalledBeforeMount.run(withUserData(text))[0]

describe('userdata/client-installed-before-mount', () => {
  it.each(['seed-fnsub.sh', 'al2-ecs-efs-utils.sh', 'al2023-dnf.sh', 'cloud-config-runcmd.yaml', 'mime-boothook.txt'])('passes for %s', name => {
    expect(run(udFixture(name)).status).toBe('pass')
  })

  it('passes on healthy() pointing at the first mount line', () => {
    expect(clientInstalledBeforeMount.run(healthy())[0]).toMatchObject({status: 'pass', location: {line: 8}})
  })

  it('fails when amazon-efs-utils is installed after the mount, naming both lines', () => {
    const o = run(udFixture('fault-mount-before-install.sh'))
    expect(o).toMatchObject({status: 'fail', severity: 'error', location: {line: 4}})
    expect(o.message).toMatch(/line 4.*line 5/)
  })

  it('fails for cloud-config mounts: with packages: (init stage runs before packages)', () => {
    const o = run(udFixture('cloud-config-mounts.yaml'))
    expect(o).toMatchObject({status: 'fail', location: {line: 12}})
    expect(o.message).toMatch(/init stage/)
  })

  it('fails when type efs is mounted and efs-utils is never installed, with AMI context', () => {
    const o = run('#!/bin/bash\nmkdir -p /mnt/efs\nmount -t efs fs-0a1b2c3d4e5f60718:/ /mnt/efs\n')
    expect(o).toMatchObject({status: 'fail', location: {line: 3}})
    expect(o.severity ?? clientInstalledBeforeMount.severity).toBe('error')
    expect(o.message).toMatch(/ECS-optimized AMIs ship nfs-utils but not amazon-efs-utils/)
  })

  it('warns (not errors) for an nfs4 mount with no client install', () => {
    const o = run('#!/bin/bash\nmount -t nfs4 fs-0a1b2c3d4e5f60718.efs.eu-west-1.amazonaws.com:/ /mnt/efs\n')
    expect(o).toMatchObject({status: 'fail', severity: 'warning'})
  })

  it('is skipped when nothing is mounted, unknown when UserData is missing or empty', () => {
    expect(run('#!/bin/bash\necho hi\n').status).toBe('skipped')
    expect(run('').status).toBe('unknown')
    expect(runChecks([clientInstalledBeforeMount], denied(healthy(), 'userData', 'ec2:DescribeInstanceAttribute')).findings[0].status).toBe('unknown')
  })
})

describe('userdata/client-installed-before-mount: what counts as the first mount', () => {
  it('ignores a local EBS mount and a mount -a before any fstab write', () => {
    const o = run(['#!/bin/bash', 'mount -a', 'mount /dev/xvdb /data', 'yum install -y amazon-efs-utils',
      'echo "fs-0a1b2c3d4e5f60718:/ /mnt/efs efs _netdev,tls 0 0" >> /etc/fstab', 'mount -a -t efs'].join('\n'))
    expect(o).toMatchObject({status: 'pass', location: {line: 6}})
  })

  it('is unknown for an #include list', () => {
    expect(run('#include\nhttps://example.com/bootstrap.sh\n').status).toBe('unknown')
  })
})
