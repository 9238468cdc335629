import {allChecks} from '../../../src/checks/index.js'
import {nfsPairs} from '../../../src/checks/_lib/nfs-pairs.js'
import {instanceFileSystems, scopeByEvidence, usageModel, userDataMounts} from '../../../src/checks/_lib/usage.js'
import {runChecks} from '../../../src/core/run-checks.js'
import {describeScopedFileSystem} from '../../../src/model/usage.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {withHostFacts} from '../../support/host-facts.js'
import {bootOther, OTHER, withOtherTeamFs} from '../../support/other-team-fs.js'
import {healthy, IDS, withFault} from '../../support/snapshot-builder.js'

describe('userDataMounts (the one adapter over the UserData parser)', () => {
  it('lists EFS/NFS mounts with device, mount point and line, and nothing else', () => {
    const text = '#!/bin/bash\nmount -t ext4 /dev/xvdb /data\necho "fs-0123456789abcdef0:/ /mnt/a efs _netdev,tls 0 0" >> /etc/fstab\nmount -a\nmount -t nfs4 10.0.0.5:/ /mnt/b\n'
    expect(userDataMounts({text})).toEqual([
      {device: 'fs-0123456789abcdef0:/', mountPoint: '/mnt/a', fsType: 'efs', line: 3},
      {device: '10.0.0.5:/', mountPoint: '/mnt/b', fsType: 'nfs4', line: 5},
    ])
  })
})

describe('usage model', () => {
  it('records each client of the healthy cluster with its evidence', () => {
    const m = usageModel(healthy())
    expect([...m.uses.keys()]).toEqual([IDS.fs])
    expect(m.uses.get(IDS.fs)!.map(u => u.client)).toEqual([
      {kind: 'launch-template', id: IDS.launchTemplate, version: '7'},
      {kind: 'task-definition', id: 'prod-web', version: '42'},
      {kind: 'task-definition', id: 'prod-worker', version: '17'},
    ])
    expect(m.uses.get(IDS.fs)![0].evidence).toEqual([{kind: 'userdata', userDataId: IDS.userDataId, line: 6, path: '/mnt/efs'}])
    expect(m.uses.get(IDS.fs)![1].evidence).toEqual([{kind: 'task-host-path', volume: 'shared', path: '/mnt/efs/shared'}])
  })

  it('adds what the probe saw on each instance', () => {
    const s = withFault(withHostFacts)
    const m = usageModel(s)
    expect(m.byInstance.get(IDS.instances[0])).toEqual(new Set([IDS.fs]))
    expect(m.uses.get(IDS.fs)!.find(u => u.client.kind === 'instance')).toMatchObject({client: {id: IDS.instances[0]}, evidence: [{kind: 'probe-mount', path: '/mnt/efs'}, {kind: 'probe-fstab', path: '/mnt/efs'}]})
  })

  it('resolves a mount by a mount target IP, and lists a mount it cannot resolve as ambiguous', () => {
    const s = withFault(x => { x.userData![0].text = '#!/bin/bash\nmount -t nfs4 10.20.0.100:/ /mnt/efs\nmount -t efs "$EFS_ID":/ /mnt/other\n' })
    s.mountTargets![0].ipAddress = '10.20.0.100'
    const m = usageModel(s)
    expect(m.byUserData.get(IDS.userDataId)).toEqual(new Set([IDS.fs]))
    expect(m.ambiguous).toEqual([expect.objectContaining({device: expect.stringContaining('EFS_ID'), evidence: expect.objectContaining({line: 3})})])
  })
})

describe('used pairs, never a cross product', () => {
  it('pairs each instance only with the file systems it uses', () => {
    // Instance 0 boots from another script that mounts only OTHER.
    const s = bootOther(withOtherTeamFs(healthy()), [IDS.instances[0]])
    expect(instanceFileSystems(s, s.instances![IDS.instances[0]])).toEqual(new Set([OTHER]))
    expect(instanceFileSystems(s, s.instances![IDS.instances[1]])).toEqual(new Set([IDS.fs]))
    const pairs = nfsPairs(s).map(p => `${p.fs.id} ${p.instance.id}`)
    expect(pairs).toHaveLength(6)
    expect(pairs).toContain(`${OTHER} ${IDS.instances[0]}`)
    expect(pairs).not.toContain(`${IDS.fs} ${IDS.instances[0]}`)
  })

  it('gives an instance with no evidence of its own (UserData not read, not probed) every file system in scope', () => {
    const s = healthy()
    delete s.instances![IDS.instances[0]].userDataId
    s.userData![0].instanceIds = s.userData![0].instanceIds.filter(i => i !== IDS.instances[0])
    s.scope.fileSystems.push({id: OTHER, reasons: ['named with --file-system'], named: true})
    expect(instanceFileSystems(s, s.instances![IDS.instances[0]])).toEqual(new Set([IDS.fs, OTHER]))
  })
})

describe('scopeByEvidence', () => {
  const vpcOnly = {id: OTHER, reasons: [`has mount targets in ${IDS.vpc} where the instances run`]}

  it('leaves out a file system that only has mount targets in the VPC when another one is used, with a note', () => {
    const {fileSystems, notes} = scopeByEvidence(healthy(), [{id: IDS.fs, reasons: ['UserData mounts it']}, vpcOnly], [])
    expect(fileSystems.map(f => f.id)).toEqual([IDS.fs])
    expect(fileSystems[0].usedBy!.length).toBe(3)
    expect(notes).toEqual([`${OTHER} has mount targets where the instances run, but nothing in this cluster uses it: not checked (name one with --file-system to check it).`])
  })

  it('makes it a candidate when nothing names any file system', () => {
    const s = withFault(x => {
      x.userData![0].text = '#!/bin/bash\necho ECS_CLUSTER=prod >> /etc/ecs/ecs.config\n'
      x.taskDefinitions = []
    })
    expect(scopeByEvidence(s, [vpcOnly], []).fileSystems).toEqual([{...vpcOnly, usedBy: [], candidate: true}])
  })

  it('takes the named ones only, when the user names any', () => {
    const {fileSystems} = scopeByEvidence(healthy(), [vpcOnly], [OTHER])
    expect(fileSystems).toEqual([{id: OTHER, reasons: ['named with --file-system'], named: true, usedBy: [{client: {kind: 'user', id: '--file-system'}, evidence: [{kind: 'named'}]}]}])
  })
})

describe('findings on a candidate file system', () => {
  /** Nothing in the cluster names a file system; OTHER (closed to everyone) only has mount targets in the VPC. */
  const candidateCluster = (named: boolean): Snapshot => withFault(s => {
    withOtherTeamFs(s)
    s.userData![0].text = '#!/bin/bash\necho ECS_CLUSTER=prod >> /etc/ecs/ecs.config\n'
    s.taskDefinitions = []
    s.services = []
    s.fileSystems = s.fileSystems!.filter(f => f.id === OTHER)
    s.mountTargets = s.mountTargets!.filter(mt => mt.fileSystemId === OTHER)
    s.scope.fileSystems = named
      ? [{id: OTHER, reasons: ['named with --file-system'], named: true}]
      : [{id: OTHER, reasons: [`has mount targets in ${IDS.vpc} where the instances run`], usedBy: [], candidate: true}]
  })

  it('are unknown, saying it may not be used by this cluster, never fail', () => {
    const r = runChecks(allChecks, candidateCluster(false), {only: ['network/mount-target-sg-allows-nfs', 'userdata/mounts-efs']})
    expect(r.summary.fail).toBe(0)
    const sg = r.findings.filter(f => f.checkId === 'network/mount-target-sg-allows-nfs')
    expect(sg).toHaveLength(6)
    for (const f of sg) {
      expect(f.status).toBe('unknown')
      expect(f.message).toMatch(new RegExp(`^${OTHER} may not be used by this cluster`))
      expect(f.fix).toBeUndefined()
    }
  })

  it('fail when the user named it', () => {
    const r = runChecks(allChecks, candidateCluster(true), {only: ['network/mount-target-sg-allows-nfs']})
    expect(r.findings.map(f => f.status)).toEqual(Array(6).fill('fail'))
  })
})

describe('describeScopedFileSystem (the report line)', () => {
  it('says who uses it and the evidence, in one line', () => {
    expect(describeScopedFileSystem(healthy().scope.fileSystems[0])).toBe(
      `${IDS.fs} used by: launch template ${IDS.launchTemplate} v7 (UserData line 6), task definition prod-web:42 (volume shared, host path /mnt/efs/shared), task definition prod-worker:17 (volume reports)`)
  })
  it('names the first uses of a long list and counts the rest by kind, so a thousand hosts give one readable line', () => {
    const uses = [
      {client: {kind: 'launch-template' as const, id: 'lt-1', version: '7'}, evidence: [{kind: 'userdata' as const, line: 6}]},
      ...Array.from({length: 999}, (_, i) => ({client: {kind: 'instance' as const, id: `i-${i}`}, evidence: [{kind: 'probe-fstab' as const, path: '/mnt/efs'}]})),
      {client: {kind: 'task-definition' as const, id: 'web', version: '4'}, evidence: [{kind: 'task-volume' as const, volume: 'efs'}]},
    ]
    // Instances, many and alike, come last: the launch template and the task definition are named.
    expect(describeScopedFileSystem({id: IDS.fs, reasons: [], usedBy: uses})).toBe(`${IDS.fs} used by: launch template lt-1 v7 (UserData line 6), ` +
      'task definition web:4 (volume efs), instance i-0 (fstab /mnt/efs), instance i-1 (fstab /mnt/efs), instance i-2 (fstab /mnt/efs) ' +
      'and 996 more (996 instances)')
    // Six uses are all named: "and 1 more" would save nothing.
    expect(describeScopedFileSystem({id: IDS.fs, reasons: [], usedBy: uses.slice(0, 6)})).toMatch(/instance i-4 \(fstab \/mnt\/efs\)$/)
  })
  it('marks a candidate', () => {
    expect(describeScopedFileSystem({id: OTHER, reasons: ['has mount targets in vpc-1 where the instances run'], usedBy: [], candidate: true}))
      .toBe(`${OTHER} (candidate: may not be used by this cluster): has mount targets in vpc-1 where the instances run`)
  })
})
