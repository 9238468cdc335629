/**
 * Inputs for the finding-identity tests: every shipped example snapshot and template, plus crowded variants (two file
 * systems, awsvpc tasks, probed hosts with several mounts) where one check says many things about one resource.
 */
import {readdirSync} from 'node:fs'
import {allChecks} from '../../src/checks/index.js'
import {runChecks} from '../../src/core/run-checks.js'
import type {Report} from '../../src/core/types.js'
import {lintTemplate} from '../../src/lint/index.js'
import type {Snapshot} from '../../src/model/snapshot.js'
import {awsvpcWorker, FAULTS, faulty} from './faults.js'
import {withHostFacts} from './host-facts.js'
import {IDS} from './snapshot-builder.js'

export const SECOND_FS = 'fs-0f9e8d7c6b5a40312'

/** A second file system with mount targets in the same three subnets, used by the worker and mounted by UserData. */
export function withSecondFileSystem(s: Snapshot): Snapshot {
  const fs1 = s.fileSystems![0]
  s.fileSystems!.push({...fs1, id: SECOND_FS, arn: fs1.arn?.replace(IDS.fs, SECOND_FS), name: 'prod-archive'})
  const mts = s.mountTargets!.filter(mt => mt.fileSystemId === IDS.fs)
  mts.forEach((mt, i) => s.mountTargets!.push({...mt, fileSystemId: SECOND_FS, id: `fsmt-0ff${i}000000000000f`, ipAddress: mt.ipAddress?.replace(/\.25$/, '.26')}))
  s.scope.fileSystems.push({id: SECOND_FS, reasons: ['task definition prod-worker:17 volume "archive"']})
  const worker = s.taskDefinitions!.find(td => td.family === 'prod-worker')!
  worker.volumes.push({name: 'archive', efsVolumeConfiguration: {fileSystemId: SECOND_FS, rootDirectory: '/', transitEncryption: 'ENABLED'}})
  worker.containers[0].mountPoints.push({sourceVolume: 'archive', containerPath: '/data/archive', readOnly: false})
  const ud = s.userData![0]
  ud.text = `${ud.text}mkdir -p /mnt/archive\necho "${SECOND_FS}:/ /mnt/archive efs _netdev,noresvport,tls,nofail 0 0" >> /etc/fstab\nmount -a -t efs\n`
  return s
}

export const CROWDED: Record<string, () => Snapshot> = {
  'two-file-systems': () => withSecondFileSystem(faulty('healthy-probed')),
  'two-file-systems-awsvpc': () => withSecondFileSystem(awsvpcWorker(faulty('broken-nacl'))),
  'awsvpc-probed': () => awsvpcWorker(withHostFacts(faulty('broken-sg-cidr'))),
}

export const EXAMPLE_SNAPSHOTS = readdirSync('examples/snapshots').filter(f => f.endsWith('.json')).sort()
export const EXAMPLE_TEMPLATES = readdirSync('examples/templates').filter(f => /\.(ya?ml|json)$/.test(f)).sort()

/** Every report the identity tests look at, by name. */
export function identityReports(): [string, Report][] {
  return [
    ...Object.keys(FAULTS).map((n): [string, Report] => [`fault ${n}`, runChecks(allChecks, faulty(n))]),
    ...Object.entries(CROWDED).map(([n, make]): [string, Report] => [`crowded ${n}`, runChecks(allChecks, make())]),
    ...EXAMPLE_TEMPLATES.map((t): [string, Report] => [`template ${t}`, lintTemplate(`examples/templates/${t}`, {}).report]),
  ]
}
