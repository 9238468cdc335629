import {runChecks} from '../../../src/core/run-checks.js'
import {mountsEfs} from '../../../src/checks/userdata/mounts-efs.js'
import {denied, healthy, IDS} from '../../support/snapshot-builder.js'
import {udFixture, withUserData} from '../../support/user-data-fixtures.js'

describe('userdata/mounts-efs', () => {
  it('passes on the healthy snapshot, per script, with instances as evidence', () => {
    const out = mountsEfs.run(healthy())
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({status: 'pass', resource: {type: 'user-data', id: IDS.userDataId}, location: {line: 6}})
    expect(out[0].evidence).toMatchObject({instanceCount: 6, instances: IDS.instances.slice(0, 5)})
  })

  it.each(['al2-ecs-efs-utils.sh', 'al2023-dnf.sh', 'cloud-config-mounts.yaml', 'cloud-config-runcmd.yaml', 'mime-boothook.txt'])('passes for %s', name => {
    expect(mountsEfs.run(withUserData(udFixture(name)))[0].status).toBe('pass')
  })

  it('passes when a mount target IP of the file system is mounted', () => {
    const s = withUserData('#!/bin/bash\nmount -t nfs4 -o nfsvers=4.1 10.20.1.100:/ /mnt/efs\n', x => {
      x.mountTargets![0].ipAddress = '10.20.1.100'
    })
    expect(mountsEfs.run(s)[0]).toMatchObject({status: 'pass', location: {line: 2}})
  })

  it('fails an address that is none of the known mount targets; unknown when their addresses are not known', () => {
    const script = '#!/bin/bash\nmount -t nfs4 -o nfsvers=4.1 10.99.9.9:/ /mnt/efs\n'
    const known = mountsEfs.run(withUserData(script, x => { x.mountTargets![0].ipAddress = '10.20.1.100' }))[0]
    expect(known).toMatchObject({status: 'fail', message: expect.stringMatching(/mounts 10\.99\.9\.9, not fs-/)})
    const unknownIps = mountsEfs.run(withUserData(script, x => { for (const mt of x.mountTargets!) delete mt.ipAddress }))[0]
    expect(unknownIps).toMatchObject({status: 'unknown', message: expect.stringMatching(/mounts by the address 10\.99\.9\.9/)})
  })

  it('fails a bare file-system id mounted as nfs4 (only the efs helper resolves ids), passes it as efs', () => {
    const [o] = mountsEfs.run(withUserData(`#!/bin/bash\nmount -t nfs4 -o nfsvers=4.1 ${IDS.fs}:/ /mnt/efs\n`))
    expect(o).toMatchObject({status: 'fail', location: {line: 2}})
    expect(o.message).toMatch(/bare file-system id is not a host name/)
    expect(mountsEfs.run(withUserData(`#!/bin/bash\nmount -t efs ${IDS.fs}:/ /mnt/efs\n`))[0].status).toBe('pass')
  })

  it('is unknown when the file system in use is written in one arm of a boot-time test and another in the other arm', () => {
    const [o] = mountsEfs.run(withUserData(['#!/bin/bash',
      'test -f "/sbin/mount.efs" && echo "fs-0999999999999999a:/ /mnt/efs efs tls,_netdev" >> /etc/fstab || echo "' + IDS.fs + '.efs.eu-west-1.amazonaws.com:/ /mnt/efs nfs4 _netdev" >> /etc/fstab',
      'mount -a'].join('\n')))
    expect(o).toMatchObject({status: 'unknown', location: {line: 2}})
    expect(o.message).toMatch(/only when `test -f "\/sbin\/mount.efs"` \(line 2\) fails; otherwise line 2 mounts fs-0999999999999999a/)
  })

  it('fails when a later line mounts another file system on the same mount point (the later mount hides it)', () => {
    const fstab = (fs: string) => `echo "${fs}.efs.eu-west-1.amazonaws.com:/ /var/www nfs4 _netdev 0 0" >> /etc/fstab`
    const [o] = mountsEfs.run(withUserData(['#!/bin/bash', fstab(IDS.fs), fstab('fs-0999999999999999a'), 'mount -a -t nfs4'].join('\n')))
    expect(o).toMatchObject({status: 'fail', location: {line: 3}})
    expect(o.message).toMatch(/line 3 mounts fs-0999999999999999a at the same \/var\/www after it/)
    // Each on its own mount point: no shadowing.
    const own = mountsEfs.run(withUserData(['#!/bin/bash', fstab(IDS.fs), fstab('fs-0999999999999999a').replace('/var/www', '/backup'), 'mount -a'].join('\n')))
    expect(own[0].status).toBe('pass')
  })

  it('fails when another file system is mounted, naming both ids and the line', () => {
    const [o] = mountsEfs.run(withUserData(udFixture('fault-wrong-fs.sh')))
    expect(o).toMatchObject({status: 'fail', location: {line: 5}})
    expect(o.message).toContain('fs-0999999999999999a')
    expect(o.message).toContain(IDS.fs)
    expect(o.fix?.command).toBe(`efsdoctor userdata --file-system ${IDS.fs} --path /mnt/efs`)
  })

  it('fails naming an id in UserData that does not exist in the account and region', () => {
    const missing = 'fs-0999999999999999a'
    const s = withUserData(udFixture('fault-wrong-fs.sh'), x => {
      x.scope.fileSystems = [{id: missing, reasons: ['UserData launch-template lt-0abc1234def567890 v7 mounts it']}]
    })
    const [o] = mountsEfs.run(s)
    expect(o).toMatchObject({status: 'fail', location: {line: 5}, evidence: {fileSystemId: missing}})
    expect(o.message).toContain(`mounts ${missing}: no such file system in 123456789012/eu-west-1`)
    // A failed lookup is not "does not exist".
    s.gaps.push({part: 'fileSystems', action: 'elasticfilesystem:DescribeFileSystems', code: 'AccessDenied', message: 'denied', resourceIds: [missing]})
    expect(mountsEfs.run(s)[0].status).toBe('pass')
  })

  it('fails when nothing is mounted', () => {
    const [o] = mountsEfs.run(withUserData('#!/bin/bash\necho ECS_CLUSTER=prod >> /etc/ecs/ecs.config\n'))
    expect(o.status).toBe('fail')
    expect(o.message).toMatch(/mounts no EFS/)
  })

  it('skips a script that mounts nothing when the tasks mount the file system through efsVolumeConfiguration and none binds a host path', () => {
    // The ECS agent and its volume plugin mount an efsVolumeConfiguration volume for each task, on EC2 as on Fargate
    // (found on m-chandler/factorio-spot-pricing's cf.yml, where this was a false error).
    const none = '#!/bin/bash\necho ECS_CLUSTER=prod >> /etc/ecs/ecs.config\n'
    const perTask = withUserData(none, s => { s.taskDefinitions = s.taskDefinitions!.filter(td => td.family === 'prod-worker') })
    const [o] = mountsEfs.run(perTask)
    expect(o.status).toBe('skipped')
    expect(o.message).toContain(`tasks mount ${IDS.fs} through efsVolumeConfiguration`)
    // A task that binds a host path needs the host's mount (healthy.json's prod-web binds /mnt/efs/shared).
    expect(mountsEfs.run(withUserData(none))[0].status).toBe('fail')
    // Task definitions not read: whether anything needs the mount is not known, so it is not excused.
    expect(mountsEfs.run(withUserData(none, s => { delete s.taskDefinitions }))[0].status).toBe('fail')
  })

  it('fails on the wrong partition suffix for a China region, and on the wrong region', () => {
    const cn = mountsEfs.run(withUserData(udFixture('fault-wrong-partition.sh'), s => {
      s.scope.region = 'cn-north-1'
      s.scope.partition = 'aws-cn'
    }))[0]
    expect(cn).toMatchObject({status: 'fail', location: {line: 5}})
    expect(cn.message).toContain('amazonaws.com.cn')
    const wrongRegion = mountsEfs.run(withUserData(udFixture('fault-wrong-partition.sh')))[0]
    expect(wrongRegion.status).toBe('fail')
    expect(wrongRegion.message).toMatch(/region cn-north-1.*eu-west-1/)
  })

  it('is unknown when the id is an unresolved Fn::Sub placeholder, and matches it when lint names it so', () => {
    const text = udFixture('seed-fnsub.sh')
    expect(mountsEfs.run(withUserData(text))[0]).toMatchObject({status: 'unknown', location: {line: 8}})
    const tpl = withUserData(text, s => {
      s.scope.source = 'template'
      s.scope.fileSystems = [{id: 'FileSystem', reasons: ['template']}]
      s.userData![0].location = {file: 'stack.yaml', line: 120, logicalId: 'LaunchTemplate'}
    })
    expect(mountsEfs.run(tpl)[0]).toMatchObject({status: 'pass', location: {line: 8, file: 'stack.yaml', logicalId: 'LaunchTemplate'}})
  })

  it('is unknown for an empty script and when UserData could not be read', () => {
    expect(mountsEfs.run(withUserData(''))[0]).toMatchObject({status: 'unknown', message: expect.stringMatching(/No UserData readable/)})
    const report = runChecks([mountsEfs], denied(healthy(), 'userData', 'ec2:DescribeLaunchTemplateVersions'))
    expect(report.findings[0].status).toBe('unknown')
  })
})

describe('userdata/mounts-efs: hosts that mount nothing', () => {
  it('is unknown when the script runs a local script efsdoctor cannot read (it may mount), not a fail', () => {
    const s = withUserData('#!/bin/bash\nyum install -y nfs-utils\n/tmp/efs-add-storage.sh fs-0a1b2c3d4e5f60718\n')
    const o = mountsEfs.run(s)[0]
    expect(o).toMatchObject({status: 'unknown', location: {line: 3}})
    expect(o.message).toMatch(/runs \/tmp\/efs-add-storage\.sh, which efsdoctor cannot read/)
    expect(mountsEfs.run(withUserData('#!/bin/bash\nyum install -y nfs-utils\n'))[0].status).toBe('fail')
  })
})
