import {efsUtilsTls} from '../../../src/checks/host/efs-utils-tls.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {forInstance, withHostFacts, withHostFault} from '../../support/host-facts.js'

const run = (s: Snapshot) => forInstance(runChecks([efsUtilsTls], s).findings)

describe('host/efs-utils-tls', () => {
  it('passes efs-utils 2.x with efs-proxy and a running watchdog, naming each part', () => {
    const f = run(withHostFacts())[0]
    expect(f.status).toBe('pass')
    expect(f.message).toContain('amazon-efs-utils 2.1.0; efs-proxy present (/usr/bin/efs-proxy); stunnel absent; stunnel5 absent; amazon-efs-mount-watchdog active')
  })

  it('fails efs-utils 2.x without efs-proxy', () => {
    const f = run(withHostFault(x => { x.tlsHelpers!['efs-proxy'] = {present: false} }))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toContain('need efs-proxy, and it is missing')
    expect(f.fix?.command).toContain('sudo yum reinstall -y amazon-efs-utils')
  })

  it('fails efs-utils 1.x without stunnel, and passes it with stunnel5', () => {
    const old = (x: Parameters<Parameters<typeof withHostFault>[0]>[0]) => {
      x.packages['amazon-efs-utils'] = '1.35.0-1.amzn2'
      x.efsUtilsVersion = '/sbin/mount.efs Version: 1.35.0'
      x.tlsHelpers!['efs-proxy'] = {present: false}
    }
    const f = run(withHostFault(old))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toContain('need stunnel, and it is missing')
    expect(f.fix?.command).toContain('sudo yum install -y stunnel5')
    const ok = run(withHostFault(x => { old(x); x.tlsHelpers!.stunnel5 = {present: true, path: '/usr/bin/stunnel5', version: '5.58'} }))[0]
    expect(ok.status).toBe('pass')
    expect(ok.message).toContain('stunnel5 5.58 (/usr/bin/stunnel5)')
  })

  it('warns on efs-utils 2.0.x without stunnel (it still runs `which stunnel`)', () => {
    const f = run(withHostFault(x => { x.packages['amazon-efs-utils'] = '2.0.3-1.amzn2023' }))[0]
    expect(f.status).toBe('fail')
    expect(f.severity).toBe('warning')
    expect(f.message).toContain("Command '['which', 'stunnel']' returned non-zero exit status 1")
  })

  it('fails a stopped watchdog while TLS mounts are up', () => {
    const f = run(withHostFault(x => { x.services['amazon-efs-mount-watchdog'] = 'inactive' }))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toContain('a crashed tunnel is not restarted')
    expect(f.fix?.command).toContain('systemctl enable --now amazon-efs-mount-watchdog')
  })

  it('is unknown when the probe predates version 3, and skips hosts without TLS', () => {
    expect(run(withHostFault(x => { delete x.tlsHelpers }))[0].status).toBe('unknown')
    const s = withHostFault(x => { x.fstab = []; x.mounts = [] })
    for (const td of s.taskDefinitions!) for (const v of td.volumes) if (v.efsVolumeConfiguration) v.efsVolumeConfiguration.transitEncryption = 'DISABLED'
    expect(run(s)[0].status).toBe('skipped')
  })
})
