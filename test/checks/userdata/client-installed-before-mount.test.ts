import {runChecks} from '../../../src/core/run-checks.js'
import {clientInstalledBeforeMount} from '../../../src/checks/userdata/client-installed-before-mount.js'
import {denied, healthy} from '../../support/snapshot-builder.js'
import {udFixture, withUserData} from '../../support/user-data-fixtures.js'
import type {ImageKind} from '../../../src/model/snapshot.js'

const run = (text: string) => clientInstalledBeforeMount.run(withUserData(text))[0]

describe('userdata/client-installed-before-mount', () => {
  it.each(['seed-fnsub.sh', 'al2-ecs-efs-utils.sh', 'al2023-dnf.sh', 'cloud-config-runcmd.yaml', 'mime-boothook.txt'])('passes for %s', name => {
    expect(run(udFixture(name)).status).toBe('pass')
  })

  it('an efs entry written only when /sbin/mount.efs exists needs no install; the nfs4 fallback needs the NFS client', () => {
    const text = ['#!/bin/bash', 'apt-get install -y nfs-common', 'apt-get install -y amazon-efs-utils',
      'test -f "/sbin/mount.efs" && printf "fs-1:/ /mnt/efs efs tls,_netdev\\n" >> /etc/fstab || printf "fs-1.efs.eu-west-1.amazonaws.com:/ /mnt/efs nfs4 _netdev\\n" >> /etc/fstab',
      'mount -a -t efs,nfs4'].join('\n')
    const o = clientInstalledBeforeMount.run(withUserData(text, s => { s.userData![0].image = {kind: 'ubuntu'} }))[0]
    expect(o).toMatchObject({status: 'pass', message: expect.stringMatching(/Line 2 installs nfs-common before the first mount on line 5/)})
  })

  it('passes on healthy() pointing at the first mount line', () => {
    expect(clientInstalledBeforeMount.run(healthy())[0]).toMatchObject({status: 'pass', location: {line: 8}})
  })

  it('fails when amazon-efs-utils is installed after the mount on an image without it, naming both lines; unknown on an image not known', () => {
    const text = udFixture('fault-mount-before-install.sh')
    const o = onImage(text, 'al2023')
    expect(o).toMatchObject({status: 'fail', severity: 'error', location: {line: 4}})
    expect(o.message).toMatch(/line 4.*line 5/)
    // The image may ship it (ECS-optimized AMIs do): the late install may be a harmless no-op, as a script that never
    // installs it is unknown (a false error found by a fresh-eyes trial).
    const u = run(text)
    expect(u).toMatchObject({status: 'unknown', location: {line: 4}})
    expect(u.message).toMatch(/whether that matters is not known \(the image is not known\)/)
    expect(onImage(text, 'ecs-al2023').status).toBe('pass')
  })

  it('fails for cloud-config mounts: with packages: (init stage runs before packages), unless runcmd mounts again', () => {
    const text = udFixture('cloud-config-mounts.yaml')
    const once = text.replace(/ {2}- \[ sh, -c, "mount -a -t efs" \]\n/, '')
    expect(once).not.toBe(text)
    const o = onImage(once, 'al2023')
    expect(o).toMatchObject({status: 'fail', location: {line: 12}})
    expect(o.message).toMatch(/init stage/)
    expect(run(once).status).toBe('unknown')
    // NOTE: runcmd's `mount -a -t efs` runs after packages:, before the agent starts: the early attempt fails harmlessly.
    const retried = run(text)
    expect(retried).toMatchObject({status: 'pass', location: {line: 15}})
    expect(retried.message).toMatch(/runs before amazon-efs-utils is installed on line 4 and fails, but line 15 mounts again after the install/)
  })

  const onImage = (text: string, kind: ImageKind) => {
    const snap = withUserData(text)
    snap.userData![0].image = {kind}
    return clientInstalledBeforeMount.run(snap)[0]
  }
  const efsNeverInstalled = '#!/bin/bash\nmkdir -p /mnt/efs\nmount -t efs fs-0a1b2c3d4e5f60718:/ /mnt/efs\n'
  const nfsNeverInstalled = '#!/bin/bash\nmount -t nfs4 fs-0a1b2c3d4e5f60718.efs.eu-west-1.amazonaws.com:/ /mnt/efs\n'

  it('type efs never installed: unknown on an unknown image, pass where the image ships efs-utils, error where it does not', () => {
    expect(run(efsNeverInstalled)).toMatchObject({status: 'unknown', location: {line: 3}})
    expect(run(efsNeverInstalled).message).toMatch(/whether the image ships it is not known/)
    expect(onImage(efsNeverInstalled, 'ecs-al2023')).toMatchObject({status: 'pass'})
    expect(onImage(efsNeverInstalled, 'ecs-al2023').message).toMatch(/ECS-optimized Amazon Linux 2023 AMI ships it/)
    const al2 = onImage(efsNeverInstalled, 'al2')
    expect(al2).toMatchObject({status: 'fail', location: {line: 3}})
    expect(al2.severity ?? clientInstalledBeforeMount.severity).toBe('error')
  })

  it('nfs4 never installed: unknown on an unknown image, pass on the ECS-optimized AL1 AMI, error on Ubuntu', () => {
    expect(run(nfsNeverInstalled).status).toBe('unknown')
    expect(onImage(nfsNeverInstalled, 'ecs-al1').status).toBe('pass')
    expect(onImage(nfsNeverInstalled, 'ubuntu')).toMatchObject({status: 'fail'})
  })

  it('a package the image does not have is an error (nfs-utils or apt amazon-efs-utils on Ubuntu), unknown on an unknown image', () => {
    const wrong = onImage('#!/bin/bash\napt-get install -y nfs-utils\nmount -t nfs4 10.0.0.5:/ /mnt/efs\n', 'ubuntu')
    expect(wrong).toMatchObject({status: 'fail', location: {line: 2}})
    expect(wrong.message).toMatch(/nfs-common/)
    const apt = '#!/bin/bash\napt-get install -y amazon-efs-utils\nmount -t efs fs-0a1b2c3d:/ /mnt/efs\n'
    expect(onImage(apt, 'ubuntu').status).toBe('fail')
    expect(run(apt).status).toBe('unknown')
    expect(onImage('#!/bin/bash\napt-get install -y nfs-common\nmount -t nfs4 10.0.0.5:/ /mnt/efs\n', 'ubuntu').status).toBe('pass')
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
