import {runChecks} from '../../../src/core/run-checks.js'
import {mountBeforeDocker} from '../../../src/checks/userdata/mount-before-docker.js'
import {denied, healthy} from '../../support/snapshot-builder.js'
import {udFixture, withUserData} from '../../support/user-data-fixtures.js'

const run = (text: string) => mountBeforeDocker.run(withUserData(text))

describe('userdata/mount-before-docker', () => {
  it.each(['seed-fnsub.sh', 'al2-ecs-efs-utils.sh', 'al2023-dnf.sh', 'cloud-config-runcmd.yaml', 'mime-boothook.txt'])('passes for %s', name => {
    expect(run(udFixture(name)).map(o => o.status)).toEqual(['pass'])
  })

  it('fails an fstab line nothing mounts during the boot; no verdict when systemd is told to mount it; passes with mount -a', () => {
    const head = '#!/bin/bash\nyum install -y amazon-efs-utils\nmkdir -p /mnt/efs\necho "fs-0123456789abcdef0:/ /mnt/efs efs _netdev,tls,nofail 0 0" >> /etc/fstab\n'
    const [o] = run(head)
    expect(o).toMatchObject({status: 'fail', location: {line: 4}, key: {problem: 'fstab-not-mounted'}})
    expect(o.severity ?? mountBeforeDocker.severity).toBe('error')
    expect(o.message).toMatch(/nothing mounts it during this boot/)
    expect(run(`${head}systemctl daemon-reload\nsystemctl restart remote-fs.target\n`).map(x => x.status)).toEqual(['skipped'])
    expect(run(`${head}mount -a -t efs\n`).map(x => x.status)).toEqual(['pass'])
  })

  it('passes on healthy() (retry loop, synchronous)', () => {
    expect(mountBeforeDocker.run(healthy())[0]).toMatchObject({status: 'pass', location: {line: 8}})
  })

  it('flags the blocking ECS restart inside cloud-init (deadlock), on its line', () => {
    const out = run(udFixture('fault-restart-ecs-deadlock.sh'))
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({status: 'fail', location: {line: 8}})
    expect(out[0].message).toMatch(/After=cloud-final/)
  })

  it('does not flag `systemctl restart --no-block ecs` after the mount', () => {
    expect(run(udFixture('al2-ecs-efs-utils.sh'))[0].status).toBe('pass')
  })

  it('flags a backgrounded mount and a swallowed one', () => {
    const out = run(udFixture('fault-backgrounded-mount.sh'))
    expect(out[0]).toMatchObject({status: 'fail', location: {line: 6}})
    expect(out[0].message).toMatch(/background/)
    expect(out[0].severity).not.toBe('warning')
  })

  it('a swallowed mount (|| true) fails under set -e only: without errexit it is a plain mount', () => {
    const mount = 'mount -t efs fs-0a1b2c3d4e5f60718:/ /mnt/efs || true\n'
    for (const script of ['#!/bin/bash -e\n' + mount, '#!/bin/bash\nset -euo pipefail\n' + mount, '#!/bin/bash\nset -o errexit\n' + mount]) {
      const out = run(script)
      expect([script, out[0].status, out[0].severity]).toEqual([script, 'fail', undefined])
      expect(out[0].message).toMatch(/\|\| true/)
    }
    // Without errexit a failed mount never stops the script: `|| true` changes nothing, so the verdict is a plain mount's.
    for (const script of ['#!/bin/bash\n' + mount, '#!/bin/bash\nset -e\nset +e\n' + mount, '#!/bin/bash\nset -x\n' + mount]) {
      expect([script, run(script).map(o => o.status)]).toEqual([script, ['pass']])
      expect(run(script.replace(' || true', '')).map(o => o.status)).toEqual(['pass'])
    }
  })

  it('Docker started before the mount starts no container: a pass; with the ECS agent started too it fails until restarted', () => {
    expect(run(udFixture('fault-mount-after-docker.sh')).map(o => o.status)).toEqual(['pass'])
    const agent = udFixture('fault-mount-after-docker.sh').replace('systemctl enable --now docker\n', 'systemctl enable --now docker\nsystemctl enable --now --no-block ecs\n')
    expect(run(agent)[0]).toMatchObject({status: 'fail', location: {line: 3}})
    const fixed = run(agent + 'systemctl restart docker\nsystemctl restart --no-block ecs\n')
    expect(fixed.map(o => o.status)).toEqual(['pass'])
  })

  it('`start ecs` (Upstart, Amazon Linux 1) is not the systemd ordering deadlock', () => {
    expect(run('#!/bin/bash\nmount -t nfs4 10.0.0.5:/ /mnt/efs\nstart ecs\n').map(o => o.status)).toEqual(['pass'])
    expect(run('#!/bin/bash\nmount -t nfs4 10.0.0.5:/ /mnt/efs\nsystemctl restart ecs\n')[0].status).toBe('fail')
  })

  it('is skipped without mounts, unknown for empty text or a failed read', () => {
    expect(run('#!/bin/bash\nsystemctl restart ecs\n')[0].status).toBe('skipped')
    expect(run('')[0].status).toBe('unknown')
    expect(runChecks([mountBeforeDocker], denied(healthy(), 'userData', 'ec2:DescribeInstanceAttribute')).findings[0].status).toBe('unknown')
  })
})
