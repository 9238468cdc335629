/**
 * Host probe facts for check tests: `withHostFacts()` is healthy() plus, for each of its six instances, what the
 * probe sees on a working Amazon Linux 2023 host (EFS mounted with TLS at /mnt/efs, the web container on NFS).
 */
import type {Snapshot} from '../../src/model/snapshot.js'
import type {ProbeFacts} from '../../src/model/probe-facts.js'
import {healthy, IDS} from './snapshot-builder.js'

export const FS_DNS = `${IDS.fs}.efs.eu-west-1.amazonaws.com`
export const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/prod/0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a'

/** Mount-target IP of each healthy.json instance's AZ. */
export const MT_IP: Record<string, string> = {
  [IDS.instances[0]]: '10.20.1.25', [IDS.instances[1]]: '10.20.1.25',
  [IDS.instances[2]]: '10.20.5.25', [IDS.instances[3]]: '10.20.5.25',
  [IDS.instances[4]]: '10.20.9.25', [IDS.instances[5]]: '10.20.9.25',
}

export function healthyFacts(mtIp = '10.20.1.25'): ProbeFacts {
  return {
    formatVersion: 1, probeVersion: '1', complete: true,
    os: {id: 'amzn', versionId: '2023', prettyName: 'Amazon Linux 2023.6.20241121'},
    kernel: '6.1.115-126.197.amzn2023.x86_64',
    clients: {mountNfs4: true, mountEfs: true},
    efsUtilsVersion: '/sbin/mount.efs Version: 2.1.0',
    packages: {'amazon-efs-utils': '2.1.0-1.amzn2023', 'nfs-utils': '2.5.4-2.rc3.amzn2023.0.3', 'nfs-common': 'absent'},
    services: {ecs: 'active', docker: 'active', 'amazon-ecs-volume-plugin': 'active', 'amazon-efs-mount-watchdog': 'active'},
    dns: [{name: FS_DNS, status: 'ok', ipv4: [mtIp], ipv6: []}],
    tcp: [{ip: mtIp, port: 2049, status: 'open'}],
    cloudInit: 'done',
    mounts: [{target: '/mnt/efs', source: '127.0.0.1:/', fstype: 'nfs4',
      options: ['rw', 'relatime', 'vers=4.1', 'rsize=1048576', 'wsize=1048576', 'namlen=255', 'hard', 'noresvport', 'proto=tcp',
        'port=20127', 'timeo=600', 'retrans=2', 'sec=sys', 'clientaddr=127.0.0.1', 'local_lock=none', 'addr=127.0.0.1'],
      df: {status: 'ok', sizeKb: 9007199254739968, usedKb: 1843200}}],
    expectedPaths: [{path: '/mnt/efs', coveringTarget: '/mnt/efs', fstype: 'nfs4', source: '127.0.0.1:/'}],
    fstab: [{device: `${IDS.fs}:/`, mountPoint: '/mnt/efs', fstype: 'efs', options: ['_netdev', 'noresvport', 'tls', 'nofail']}],
    efsStateFiles: [`${IDS.fs}.mnt.efs.20127`],
    efsStateAccessPoints: {[`${IDS.fs}.mnt.efs.20127`]: ''},
    docker: {status: 'ok'},
    containers: [{id: '3f9c1d2e4b5a', name: 'ecs-prod-web-42-web-b8c6d4e2f0a1c3e5', pid: 4312, taskArn: TASK_ARN}],
    containerMounts: [{containerId: '3f9c1d2e4b5a', hostSource: '/mnt/efs/shared', containerPath: '/var/www/uploads',
      containerFstype: 'nfs4', containerSource: '127.0.0.1:/'}],
    shadowed: [{mountPoint: '/mnt/efs', status: 'ok', entries: 0, sample: []}],
    logs: [],
    truncated: [],
    efsUtilsConfig: {present: true, entries: [
      {section: 'mount', key: 'dns_name_format', value: '{az}.{fs_id}.efs.{region}.{dns_name_suffix}'},
      {section: 'mount', key: 'dns_name_suffix', value: 'amazonaws.com'},
      {section: 'mount.cn-north-1', key: 'dns_name_suffix', value: 'amazonaws.com.cn'},
    ]},
    tlsHelpers: {stunnel: {present: false}, stunnel5: {present: false}, 'efs-proxy': {present: true, path: '/usr/bin/efs-proxy'}},
    imds: {tokenStatus: '200', v1Status: '401', region: 'eu-west-1'},
    // The worker's volume mounts rootDirectory /reports.
    rootDirs: [{mountPoint: '/mnt/efs', path: '/reports', status: 'exists', type: 'directory', uid: 0, gid: 0, mode: '755'}],
  }
}

/** healthy() with ok host facts for all six instances. */
export function withHostFacts(s: Snapshot = healthy()): Snapshot {
  s.hostFacts = {}
  for (const id of IDS.instances) s.hostFacts[id] = {instanceId: id, status: 'ok', facts: healthyFacts(MT_IP[id])}
  return s
}

/** withHostFacts() with `mutate` applied to the facts of one instance (the first by default). */
export function withHostFault(mutate: (f: ProbeFacts, s: Snapshot) => void, instanceId: string = IDS.instances[0]): Snapshot {
  const s = withHostFacts()
  mutate(s.hostFacts![instanceId].facts!, s)
  return s
}

/** The outcomes of a check for one instance. */
export const forInstance = <T extends {resource: {id: string}}>(outcomes: T[], id: string = IDS.instances[0]): T[] =>
  outcomes.filter(o => o.resource.id === id)
