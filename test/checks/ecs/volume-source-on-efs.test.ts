import {efsMountPointsOf, volumeSourceOnEfs} from '../../../src/checks/ecs/volume-source-on-efs.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import type {ProbeFacts} from '../../../src/model/probe-facts.js'
import {denied, healthy, IDS, withFault} from '../../support/snapshot-builder.js'
import {withHostFacts} from '../../support/host-facts.js'

const run = (s: Snapshot) => runChecks([volumeSourceOnEfs], s).findings
const web = (s: Snapshot) => run(s).find(f => f.resource.id === 'prod-web:42')!

describe('ecs/volume-source-on-efs', () => {
  it('passes /mnt/efs/shared, which lies under the fstab mount /mnt/efs', () => {
    const f = web(healthy())
    expect(f.status).toBe('pass')
    expect(f.message).toContain('/mnt/efs')
  })

  it('fails a sourcePath beside the mount: data goes to the local disk', () => {
    const f = web(withFault(x => { x.taskDefinitions![0].volumes[0].host = {sourcePath: '/efs/shared'} }))
    expect(f.status).toBe('fail')
    expect(f.message).toContain('local disk')
    expect(f.message).toContain('/mnt/efs')
    expect(f.fix?.summary).toContain('/mnt/efs/shared')
  })

  it('is unknown, not a fail, when the UserData mounts through a systemd mount unit efsdoctor does not read (was a false error)', () => {
    const unit = ['#!/bin/bash', 'yum install -y amazon-efs-utils', 'mkdir -p /mnt/efs', "cat > /etc/systemd/system/mnt-efs.mount <<'UNIT'",
      '[Unit]', 'Before=docker.service ecs.service', '[Mount]', 'What=fs-0a1b2c3d4e5f60718:/', 'Where=/mnt/efs', 'Type=efs', 'Options=_netdev,tls',
      '[Install]', 'WantedBy=multi-user.target', 'UNIT', 'systemctl daemon-reload', 'systemctl enable --now mnt-efs.mount', ''].join('\n')
    const f = web(withFault(x => { x.userData![0].text = unit }))
    expect(f.status).toBe('unknown')
    expect(f.message).toMatch(/sets up the systemd mount unit mnt-efs\.mount, which efsdoctor cannot read, so whether the path lies on EFS is not known/)
    // A script that mounts nothing at all still fails.
    expect(web(withFault(x => { x.userData![0].text = '#!/bin/bash\nyum install -y amazon-efs-utils\n' })).status).toBe('fail')
  })

  it('does not take /mnt/efs2 as being under /mnt/efs', () => {
    const f = web(withFault(x => { x.taskDefinitions![0].volumes[0].host = {sourcePath: '/mnt/efs2/shared'} }))
    expect(f.status).toBe('fail')
  })

  it('compares paths as the kernel reaches them: /mnt/efs/../data is on the root volume, /mnt//efs/shared on EFS', () => {
    expect(web(withFault(x => { x.taskDefinitions![0].volumes[0].host = {sourcePath: '/mnt/efs/../data'} })).status).toBe('fail')
    expect(web(withFault(x => { x.taskDefinitions![0].volumes[0].host = {sourcePath: '/mnt//efs/shared'} })).status).toBe('pass')
    expect(web(withFault(x => { x.taskDefinitions![0].volumes[0].host = {sourcePath: '/mnt/./efs/shared/'} })).status).toBe('pass')
  })

  it('a probed host whose EFS mount is missing does not make a correct sourcePath fail (host/efs-mounted owns that)', () => {
    const s = withHostFacts(healthy())
    s.hostFacts![IDS.instances[2]].facts!.mounts = []
    expect(web(s).status).toBe('pass')
    // A host that mounts EFS elsewhere than the path still counts against it.
    s.hostFacts![IDS.instances[2]].facts!.mounts = [{target: '/data', source: '127.0.0.1:/', fstype: 'nfs4', options: []}]
    expect(web(s).status).toBe('fail')
  })

  it('warns that a volume without sourcePath is a Docker-managed local volume', () => {
    const f = web(withFault(x => { x.taskDefinitions![0].volumes[0].host = {} }))
    expect(f.status).toBe('fail')
    expect(f.severity).toBe('warning')
    expect(f.message).toMatch(/Docker-managed local volume.*not shared/)
  })

  it('skips system paths such as the Docker socket', () => {
    const f = web(withFault(x => { x.taskDefinitions![0].volumes[0].host = {sourcePath: '/var/run/docker.sock'} }))
    expect(f.status).toBe('skipped')
  })

  it('is unknown for host paths when UserData could not be read', () => {
    const f = web(denied(healthy(), 'userData', 'ec2:DescribeInstanceAttribute'))
    expect(f.status).toBe('unknown')
  })

  it('reads mount points from mount commands with variables and cloud-config mounts', () => {
    const sh = '#!/bin/bash\nDIR=/data/efs\nmkdir -p $DIR\nmount -t nfs4 -o nfsvers=4.1 fs-0a1b2c3d.efs.eu-west-1.amazonaws.com:/ $DIR\n'
    expect(efsMountPointsOf(sh).map(m => [m.path, m.line])).toEqual([['/data/efs', 4]])
    const cc = '#cloud-config\nmounts:\n  - [ "fs-0a1b2c3d:/", "/srv/shared", "efs", "_netdev,tls" ]\n'
    expect(efsMountPointsOf(cc).map(m => m.path)).toContain('/srv/shared')
  })

  it('also compares against a probed host\'s real mount table', () => {
    const probed = (target: string) => withFault(x => {
      x.hostFacts = {[x.containerInstances![0].ec2InstanceId]: {instanceId: x.containerInstances![0].ec2InstanceId, status: 'ok',
        facts: {mounts: [{target, source: '127.0.0.1:/', fstype: 'nfs4', options: ['rw']}]} as unknown as ProbeFacts}}
    })
    expect(web(probed('/mnt/efs')).status).toBe('pass')
    const f = web(probed('/data'))
    expect(f.status).toBe('fail')
    expect(f.message).toMatch(/on EFS only for UserData .*\(host i-001a1b2c3d4e5f6a7 \(mount table\)\)/)
  })
})
