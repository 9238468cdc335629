import {runChecks} from '../../../src/core/run-checks.js'
import {fstabNetdev} from '../../../src/checks/userdata/fstab-netdev.js'
import {denied, healthy} from '../../support/snapshot-builder.js'
import {udFixture, withUserData} from '../../support/user-data-fixtures.js'

const run = (text: string) => fstabNetdev.run(withUserData(text))[0]

describe('userdata/fstab-netdev', () => {
  it('requires _netdev on an efs entry (systemd does not know the type), not on nfs/nfs4 (network mounts by their type)', () => {
    const line = (type: string, opts: string) => `#!/bin/bash\nmkdir -p /mnt/efs\necho "fs-0a1b2c3d4e5f60718.efs.eu-west-1.amazonaws.com:/ /mnt/efs ${type} ${opts} 0 0" >> /etc/fstab\nmount -a\n`
    const efs = run(line('efs', 'tls,nofail'))
    expect(efs).toMatchObject({status: 'fail', severity: 'error'})
    expect(efs.message).toContain('amazon-efs-utils skips the mount')
    // systemd-fstab-generator (fstype_is_network) and netfs order nfs and nfs4 after the network by type.
    for (const type of ['nfs4', 'nfs']) {
      const nfs = run(line(type, `nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport,nofail`))
      expect(nfs.status).toBe('pass')
      expect(nfs.message).toContain(`no _netdev: systemd mounts type ${type} after the network by its type`)
    }
    // Another problem on the same line: a warning, and the fixed line still gains _netdev (as AWS's guide writes it).
    const noNofail = run(line('nfs4', 'nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport'))
    expect(noNofail).toMatchObject({status: 'fail', severity: 'warning'})
    expect(noNofail.message).not.toContain('lacks _netdev')
    expect(noNofail.fix?.summary).toContain('_netdev,nofail')
  })

  it.each(['seed-fnsub.sh', 'al2-ecs-efs-utils.sh', 'al2023-dnf.sh', 'cloud-config-mounts.yaml', 'cloud-config-runcmd.yaml', 'mime-boothook.txt', 'fault-wrong-partition.sh'])('passes for %s', name => {
    expect(run(udFixture(name)).status).toBe('pass')
  })

  it('says a problem once when one line writes either of two entries for the mount point (test -f … && printf A || printf B)', () => {
    const o = run(['#!/bin/bash', 'mkdir -p /mnt/efs/fs1',
      'test -f "/sbin/mount.efs" && printf "\\n fs-054467034aa1be2b1:/ /mnt/efs/fs1 efs tls,_netdev\\n" >> /etc/fstab || printf "\\nfs-054467034aa1be2b1.efs.eu-west-1.amazonaws.com:/ /mnt/efs/fs1 nfs4 nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport,_netdev 0 0\\n" >> /etc/fstab',
      'mount -a -t efs,nfs4', ''].join('\n'))
    expect(o.status).toBe('fail')
    expect(o.message.match(/lacks nofail/g)).toHaveLength(1)
  })

  it('reads vers= as nfsvers=: the fixed line does not gain nfsvers=4.1 next to vers=4.1', () => {
    const o = run(['#!/bin/bash', 'mkdir -p /data',
      'echo "fs-0a1b2c3d4e5f60718.efs.eu-west-1.amazonaws.com:/ /data nfs defaults,vers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,_netdev 0 0" >> /etc/fstab',
      'mount -a', ''].join('\n'))
    expect(o.status).toBe('fail')
    expect(o.message).not.toMatch(/misses recommended nfsvers/)
    expect(o.fix!.summary).toContain('vers=4.1')
    expect(o.fix!.summary).not.toContain('nfsvers=')
  })

  it('passes on healthy()', () => {
    expect(fstabNetdev.run(healthy())[0]).toMatchObject({status: 'pass', location: {line: 6}})
  })

  it('fails (error) without _netdev, on the fstab line', () => {
    const o = run(udFixture('fault-missing-netdev.sh'))
    expect(o).toMatchObject({status: 'fail', severity: 'error', location: {line: 5}})
    expect(o.message).toMatch(/lacks _netdev/)
    // The line mounts with efs and tls: the snippet keeps TLS, and the summary the line's own options.
    expect(o.fix?.command).toMatch(/^efsdoctor userdata --file-system fs-0a1b2c3d4e5f60718 --path \/mnt\/efs --tls$/)
  })

  it('fails when the mount is never written to fstab', () => {
    const o = run(udFixture('fault-no-fstab.sh'))
    expect(o).toMatchObject({status: 'fail', location: {line: 5}})
    expect(o.message).toMatch(/gone after a reboot/)
  })

  it('warns on nofail missing and on soft / missing noresvport for nfs4', () => {
    const o = run(udFixture('fault-soft-nfs.sh'))
    expect(o).toMatchObject({status: 'fail', severity: 'warning', location: {line: 5}})
    expect(o.message).toMatch(/soft/)
    expect(o.message).toMatch(/noresvport/)
    expect(o.message).toMatch(/nofail/)
  })

  it('says what a missing nofail does: under systemd it delays the boot; on Amazon Linux 1 (sysvinit) nofail changes nothing', () => {
    const text = '#!/bin/bash\necho "fs-1:/ /mnt/efs efs _netdev,tls 0 0" >> /etc/fstab\nmount -a\n'
    expect(fstabNetdev.run(withUserData(text, s => { s.userData![0].image = {kind: 'ecs-al2'} }))[0].message)
      .toMatch(/under systemd a mount that fails delays the boot .* though the boot goes on/)
    expect(fstabNetdev.run(withUserData(text, s => { s.userData![0].image = {kind: 'ecs-al1'} }))[0].message)
      .toMatch(/on Amazon Linux 1 \(sysvinit\) the netfs init script .* nofail does not change that/)
  })

  it('is skipped without mounts, unknown for empty text or a failed read', () => {
    expect(run('#!/bin/bash\necho hi\n').status).toBe('skipped')
    expect(run('   ').status).toBe('unknown')
    expect(runChecks([fstabNetdev], denied(healthy(), 'userData', 'ec2:DescribeInstanceAttribute')).findings[0].status).toBe('unknown')
  })
})

describe('userdata/fstab-netdev when the mount is in a script efsdoctor cannot read', () => {
  it('is unknown naming the script (not skipped as "mounts nothing"); without such a script it is skipped', () => {
    const o = fstabNetdev.run(withUserData('#!/bin/bash\nyum install -y nfs-utils\nbash /opt/setup/mount-efs.sh\n'))[0]
    expect(o).toMatchObject({status: 'unknown', location: {line: 3}})
    expect(o.message).toMatch(/runs \/opt\/setup\/mount-efs\.sh, which efsdoctor cannot read/)
    expect(fstabNetdev.run(withUserData('#!/bin/bash\nyum install -y nfs-utils\n'))[0].status).toBe('skipped')
  })
})
