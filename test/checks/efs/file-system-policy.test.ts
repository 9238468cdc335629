import {fileSystemPolicy} from '../../../src/checks/efs/file-system-policy.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {denied, healthy, IDS, withFault} from '../../support/snapshot-builder.js'
import {withHostFacts} from '../../support/host-facts.js'

const run = (s: Snapshot) => runChecks([fileSystemPolicy], s).findings
const denyInsecure = {Effect: 'Deny', Principal: {AWS: '*'}, Action: '*', Condition: {Bool: {'aws:SecureTransport': 'false'}}}
const cdkDefault = {Effect: 'Allow', Principal: {AWS: '*'}, Action: ['elasticfilesystem:ClientRootAccess', 'elasticfilesystem:ClientWrite'], Condition: {Bool: {'elasticfilesystem:AccessedViaMountTarget': 'true'}}}
const allowAnon = {Effect: 'Allow', Principal: {AWS: '*'}, Action: 'elasticfilesystem:ClientMount'}
const withPolicy = (...Statement: unknown[]) => withFault(x => { x.fileSystemPolicies![IDS.fs] = JSON.stringify({Version: '2012-10-17', Statement}) })

describe('efs/file-system-policy', () => {
  it('passes at info level when there is no policy, saying anyone may mount', () => {
    const [f] = run(healthy())
    expect(f).toMatchObject({status: 'pass', severity: 'info'})
    expect(f.message).toMatch(/no file-system policy/)
  })

  it('fails the anonymous TLS UserData mount under a policy that grants ClientMount only to IAM principals', () => {
    const f = run(withPolicy(denyInsecure, cdkDefault))
    const ud = f.find(x => x.resource.type === 'user-data')!
    expect(ud.status).toBe('fail')
    expect(ud.message).toMatch(/access denied by server.*anonymously/)
    expect(ud.location?.line).toBe(6)
    expect(ud.fix?.summary).toContain('tls,iam')
    // prod-worker uses transitEncryption + iam ENABLED
    expect(f.find(x => x.resource.type === 'task-definition')!.status).toBe('pass')
  })

  it('says so when probed hosts booted with the refused UserData have the file system mounted now (made before the policy)', () => {
    const s = withHostFacts(withPolicy(denyInsecure, cdkDefault))
    const ud = run(s).find(x => x.resource.type === 'user-data')!
    expect(ud.status).toBe('fail')
    const [a, b, c] = IDS.instances
    expect(ud.message).toContain(`${a}, ${b}, ${c} and 3 more (booted with this UserData) have ${IDS.fs} mounted now`)
    expect(ud.message).toContain('the next boot of these hosts, and every new instance, will be refused')
    // One host mounted: named alone. Hosts that mount nothing (or another file system) are not counted.
    for (const id of IDS.instances.slice(1)) s.hostFacts![id].facts!.mounts = []
    expect(run(s).find(x => x.resource.type === 'user-data')!.message).toContain(`${a} (booted with this UserData) has ${IDS.fs} mounted now`)
    s.hostFacts![a].facts!.mounts = []
    expect(run(s).find(x => x.resource.type === 'user-data')!.message).not.toContain('mounted now')
  })

  it('fails a plain nfs4 host mount and a non-TLS task volume under a TLS-only policy', () => {
    const s = withPolicy(denyInsecure, allowAnon)
    s.userData![0].text = `#!/bin/bash\nmount -t nfs4 -o nfsvers=4.1 ${IDS.fs}.efs.eu-west-1.amazonaws.com:/ /mnt/efs\n`
    s.taskDefinitions![1].volumes[0].efsVolumeConfiguration!.transitEncryption = 'DISABLED'
    s.taskDefinitions![1].volumes[0].efsVolumeConfiguration!.authorizationConfig = {}
    const f = run(s)
    expect(f.map(x => x.status)).toEqual(['fail', 'fail'])
    expect(f[0].message).toMatch(/aws:SecureTransport/)
    expect(f[1].fix?.summary).toMatch(/transitEncryption to ENABLED/)
    // Anonymous clients may mount with TLS: the fix is TLS alone, neither iam nor a role grant.
    expect(f[0].fix?.summary).toContain(`${IDS.fs}:/ <mount-point> efs _netdev,noresvport,tls 0 0`)
    for (const x of f) expect(x.fix?.summary).not.toMatch(/iam|ClientMount/)
  })

  it('asks for IAM as well only when TLS alone would still be refused', () => {
    const s = withPolicy(denyInsecure, cdkDefault)
    s.userData![0].text = `#!/bin/bash\nmount -t nfs4 -o nfsvers=4.1 ${IDS.fs}.efs.eu-west-1.amazonaws.com:/ /mnt/efs\n`
    const ud = run(s).find(x => x.resource.type === 'user-data')!
    expect(ud.status).toBe('fail')
    expect(ud.fix?.summary).toContain('tls,iam')
    expect(ud.fix?.summary).toContain('elasticfilesystem:ClientMount')
  })

  it('passes TLS anonymous mounts when * may mount', () => {
    expect(run(withPolicy(denyInsecure, allowAnon)).every(x => x.status === 'pass')).toBe(true)
  })

  it('is unknown for a file system whose policy is missing from fileSystemPolicies', () => {
    const [f] = run(withFault(x => { delete x.fileSystemPolicies![IDS.fs] }))
    expect(f.status).toBe('unknown')
    expect(f.message).toContain('elasticfilesystem:DescribeFileSystemPolicy')
  })

  it('is unknown as a whole when DescribeFileSystemPolicy was denied', () => {
    const f = run(denied(healthy(), 'fileSystemPolicies', 'elasticfilesystem:DescribeFileSystemPolicy'))
    expect(f.map(x => x.status)).toEqual(['unknown'])
  })

  it('adds an unknown when UserData could not be read', () => {
    const f = run(denied(withPolicy(denyInsecure, cdkDefault), 'userData', 'ec2:DescribeLaunchTemplateVersions'))
    expect(f.map(x => x.status).sort()).toEqual(['pass', 'unknown'])
  })
})
