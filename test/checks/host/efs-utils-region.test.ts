import {efsUtilsRegion} from '../../../src/checks/host/efs-utils-region.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {forInstance, withHostFacts, withHostFault} from '../../support/host-facts.js'
import {IDS} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => forInstance(runChecks([efsUtilsRegion], s).findings)

describe('host/efs-utils-region', () => {
  it('passes when instance metadata gives the region (IMDSv2, which the instance requires)', () => {
    const f = run(withHostFacts())
    expect(f.map(x => x.status)).toEqual(['pass'])
    expect(f[0].message).toContain('region eu-west-1 from instance metadata (IMDSv2, which this instance requires)')
  })

  it('passes on a configured region even when instance metadata does not answer', () => {
    const f = run(withHostFault(x => {
      x.imds = {tokenStatus: '000', v1Status: '000'}
      x.efsUtilsConfig!.entries.push({section: 'mount', key: 'region', value: 'eu-west-1'})
    }))[0]
    expect(f.status).toBe('pass')
    expect(f.message).toContain('region = eu-west-1')
  })

  it('fails without a configured region when instance metadata does not answer ("Error retrieving region")', () => {
    const f = run(withHostFault(x => { x.imds = {tokenStatus: '000', v1Status: '000'} }))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toContain('instance metadata does not answer on this host')
    expect(f.message).toContain('Error retrieving region')
    expect(f.fix?.command).toBe(`aws ssm send-command --instance-ids ${IDS.instances[0]} --document-name AWS-RunShellScript --parameters '{"commands":["sudo sed -i '\\''s/^#region.*/region=eu-west-1/'\\'' /etc/amazon/efs/efs-utils.conf"]}'`)
  })

  it('fails a configured region that is not the instance\'s', () => {
    const f = run(withHostFault(x => { x.efsUtilsConfig!.entries.push({section: 'mount', key: 'region', value: 'us-east-1'}) }))[0]
    expect(f.status).toBe('fail')
    expect(f.message).toContain('sets region = us-east-1, but the instance is in eu-west-1')
  })

  it('is unknown when the probe predates version 3, or could not ask IMDS', () => {
    expect(run(withHostFault(x => { delete x.imds; delete x.efsUtilsConfig }))[0].status).toBe('unknown')
    const f = run(withHostFault(x => { x.imds = {tokenStatus: '', v1Status: '', detail: 'curl is not installed'} }))[0]
    expect(f.status).toBe('unknown')
    expect(f.message).toContain('curl is not installed')
  })

  it('skips a host without mount.efs, and is unknown for a host that could not be probed', () => {
    expect(run(withHostFault(x => { x.clients.mountEfs = false }))[0].status).toBe('skipped')
    const s = withHostFacts()
    s.hostFacts![IDS.instances[0]] = {instanceId: IDS.instances[0], status: 'not-managed'}
    expect(run(s)[0].status).toBe('unknown')
  })
})
