import {nfsClientInstalled} from '../../../src/checks/host/nfs-client-installed.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {forInstance, withHostFacts, withHostFault} from '../../support/host-facts.js'
import {IDS} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([nfsClientInstalled], s).findings

describe('host/nfs-client-installed', () => {
  it('passes with mount.nfs4 and mount.efs, naming the efs-utils version', () => {
    const f = run(withHostFacts())
    expect(f.map(x => x.status)).toEqual(Array(6).fill('pass'))
    expect(f[0].message).toContain('2.1.0')
  })

  it('fails without mount.efs where -t efs is used, with the yum command on Amazon Linux', () => {
    const [o] = forInstance(run(withHostFault(f => { f.clients.mountEfs = false })))
    expect(o.status).toBe('fail')
    expect(o.message).toContain("unknown filesystem type 'efs'")
    expect(o.fix?.command).toBe('sudo yum install -y amazon-efs-utils')
  })

  it('fails without mount.nfs4 and suggests apt on Ubuntu', () => {
    const [o] = forInstance(run(withHostFault(f => {
      f.clients = {mountNfs4: false, mountEfs: false}
      f.os = {id: 'ubuntu', versionId: '22.04'}
    })))
    expect(o.status).toBe('fail')
    expect(o.message).toContain('mount.nfs4')
    expect(o.fix?.command).toContain('apt-get install -y nfs-common')
  })

  it('fails when efsVolumeConfiguration is used and the ECS volume plugin is not running', () => {
    const [o] = forInstance(run(withHostFault(f => { f.services['amazon-ecs-volume-plugin'] = 'inactive' })))
    expect(o.status).toBe('fail')
    expect(o.message).toContain('amazon-ecs-volume-plugin is inactive')
    expect(o.fix?.command).toContain('systemctl enable --now amazon-ecs-volume-plugin')
  })

  it('is unknown for an unprobed host and skipped where nothing mounts EFS', () => {
    const s = withHostFacts()
    s.hostFacts![IDS.instances[0]] = {instanceId: IDS.instances[0], status: 'not-managed'}
    expect(forInstance(run(s))[0].status).toBe('unknown')
    const none = withHostFault(f => { f.fstab = [] }, IDS.instances[1])
    none.userData = []
    none.taskDefinitions = []
    expect(forInstance(run(none), IDS.instances[1])[0].status).toBe('skipped')
  })
})
