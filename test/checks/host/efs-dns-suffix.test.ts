import {efsDnsSuffix} from '../../../src/checks/host/efs-dns-suffix.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {forInstance, withHostFacts, withHostFault} from '../../support/host-facts.js'
import {IDS} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => forInstance(runChecks([efsDnsSuffix], s).findings)
const inChina = (s: Snapshot) => { s.scope.region = 'cn-north-1'; return s }

describe('host/efs-dns-suffix', () => {
  it('passes in eu-west-1 with amazonaws.com names and configuration', () => {
    const f = run(withHostFacts())[0]
    expect(f.status).toBe('pass')
    expect(f.message).toContain('use amazonaws.com (efs-utils.conf: dns_name_suffix in [mount])')
  })

  it('passes in cn-north-1 when efs-utils.conf has the [mount.cn-north-1] suffix and names use .com.cn', () => {
    const s = inChina(withHostFault(x => { x.dns = [{name: `${IDS.fs}.efs.cn-north-1.amazonaws.com.cn`, status: 'ok', ipv4: ['10.20.1.25'], ipv6: []}] }))
    const f = run(s)[0]
    expect(f.status).toBe('pass')
    expect(f.message).toContain('dns_name_suffix in [mount.cn-north-1]')
  })

  it('fails in cn-north-1 when an old efs-utils.conf hard-codes amazonaws.com, and an fstab line spells it out', () => {
    const s = inChina(withHostFault(x => {
      x.efsUtilsConfig = {present: true, entries: [{section: 'mount', key: 'dns_name_format', value: '{fs_id}.efs.{region}.amazonaws.com'}]}
      x.fstab = [{device: `${IDS.fs}.efs.cn-north-1.amazonaws.com:/`, mountPoint: '/mnt/efs', fstype: 'nfs4', options: ['_netdev']}]
    }))
    const f = run(s)[0]
    expect(f.status).toBe('fail')
    expect(f.message).toContain('efs-utils.conf gives amazonaws.com (dns_name_format in [mount] ({fs_id}.efs.{region}.amazonaws.com))')
    expect(f.message).toContain(`${IDS.fs}.efs.cn-north-1.amazonaws.com:/ uses another suffix`)
    expect(f.fix?.summary).toContain('add [mount.cn-north-1] dns_name_suffix = amazonaws.com.cn')
  })

  it('is unknown when efs-utils is installed but the probe predates version 3', () => {
    expect(run(withHostFault(x => { delete x.efsUtilsConfig }))[0].status).toBe('unknown')
  })

  it('skips a region whose partition suffix is not known', () => {
    const s = withHostFacts()
    s.scope.region = 'us-isob-east-1'
    expect(run(s)[0].status).toBe('skipped')
  })
})
