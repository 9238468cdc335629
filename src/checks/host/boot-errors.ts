/**
 * cloud-init and efs-utils logs keep the exact error of a failed boot-time mount. Each known message points at a
 * cause: `Failed to resolve` → mount target or DNS, `Connection timed out` → security groups or NACLs,
 * `access denied by server` → file-system policy / IAM / tls, `unknown filesystem type 'efs'` → efs-utils
 * missing, the `_netdev` warning → the fstab line. The DNS cause is cross-checked with the mount targets.
 */
import {defineCheck, fail, passFor, unknown} from '../../core/define-check.js'
import type {Fix, Outcome} from '../../core/types.js'
import {coveringNfsMount, expectedPaths, installClientCommand, perProbedHost} from '../_lib/host.js'
import type {ProbeFacts} from '../../model/probe-facts.js'
import type {Instance, Snapshot} from '../../model/snapshot.js'
import {mountTargetForInstance, scopedFileSystems} from '../_lib/scope.js'
import {shellCommand} from '../../core/shell.js'

interface Cause {
  id: string
  pattern: RegExp
  explain: (s: Snapshot, i: Instance, f: ProbeFacts) => {cause: string; fix: Fix}
}

const CAUSES: Cause[] = [
  {id: 'dns', pattern: /failed to resolve|name or service not known|did not resolve|no matching mount target/i, explain: (s, i) => {
    const missing = scopedFileSystems(s).filter(fs => s.mountTargets && !mountTargetForInstance(s, fs.id, i))
    if (missing.length > 0) {
      return {cause: `the file system DNS name does not resolve because ${missing.map(fs => fs.id).join(', ')} has no available mount target in ${i.azName ?? 'the instance AZ'}`,
        fix: {summary: 'Create a mount target in that AZ (see efs/mount-target-per-az).',
          command: shellCommand(['aws', 'efs', 'create-mount-target', '--file-system-id', missing[0].id, '--subnet-id', i.subnetId ?? '<subnet-id>'])}}
    }
    return {cause: 'the file system DNS name did not resolve (VPC DNS settings, custom resolver, or a mount target created moments before)',
      fix: {summary: 'See host/dns-resolves and network/vpc-dns; if the mount target was new, mount again.'}}
  }},
  {id: 'timeout', pattern: /connection timed out|timed out|timeout/i, explain: () => ({
    cause: 'the NFS connection timed out: a security group, NACL or route drops TCP 2049',
    fix: {summary: 'See host/port-2049-reachable, network/mount-target-sg-allows-nfs, network/client-sg-egress-nfs and network/nacl-allows-nfs.'}})},
  {id: 'denied', pattern: /access denied by server/i, explain: () => ({
    cause: 'the server refused the mount: the file-system policy requires IAM or TLS (mount with -o tls,iam) or does not grant this role',
    fix: {summary: 'See efs/file-system-policy; mount with `-t efs -o tls,iam` and grant elasticfilesystem:ClientMount (and ClientWrite) to the instance role.'}})},
  {id: 'efs-utils', pattern: /unknown filesystem type 'efs'|mount\.efs: (command )?not found/i, explain: (_s, _i, f) => ({
    cause: 'amazon-efs-utils was not installed when the mount ran',
    fix: {summary: 'Install amazon-efs-utils before mounting (see host/nfs-client-installed).', command: installClientCommand(f)}})},
  {id: 'nfs-client', pattern: /wrong fs type|bad superblock|mount\.nfs4?: (command )?not found/i, explain: (_s, _i, f) => ({
    cause: 'the NFS client was missing when the mount ran',
    fix: {summary: 'Install the NFS client before mounting (see host/nfs-client-installed).', command: installClientCommand(f)}})},
  {id: 'netdev', pattern: /_netdev|network was not yet available/i, explain: () => ({
    cause: 'the mount ran before the network was up (efs-utils skipped it and exited 0)',
    fix: {summary: 'Add _netdev to the fstab options (see host/fstab-persistent).'}})},
  {id: 'botocore', pattern: /botocore/i, explain: () => ({
    cause: 'efs-utils could not fall back to the mount-target IP because botocore is missing',
    fix: {summary: 'Install botocore (sudo pip3 install botocore) or fix DNS resolution.', command: 'sudo python3 -m pip install botocore'}})},
  {id: 'tls', pattern: /stunnel|efs-proxy|failed to initialize tunnel/i, explain: () => ({
    cause: 'the TLS tunnel (efs-proxy/stunnel) failed to start',
    fix: {summary: 'Update amazon-efs-utils (2.x ships efs-proxy) and check amazon-efs-mount-watchdog.', command: 'sudo yum update -y amazon-efs-utils'}})},
  {id: 'no-such-dir', pattern: /no such file or directory/i, explain: () => ({
    cause: 'the path on the file system (rootDirectory or access-point root) does not exist',
    fix: {summary: 'Create the directory on the file system or fix the mount path / access point.'}})},
]

export const bootErrors = defineCheck({
  id: 'host/boot-errors',
  title: 'No EFS mount errors in the cloud-init and efs-utils logs',
  severity: 'error',
  description: 'The logs hold the exact reason a boot-time mount failed (DNS, timeout, access denied, missing efs-utils, _netdev); this check routes each message to its cause.',
  remediation: 'Fix the cause named in the finding, then mount again (`sudo mount -a -t efs,nfs4`).',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/troubleshooting-efs-mounting.html',
  needs: ['hostFacts'],
  run(s) {
    // NOTE: hosts booted alike log the same lines: each distinct line is matched against the causes once per run.
    const causeOf = new Map<string, Cause | undefined>()
    const causeOfLine = (line: string): Cause | undefined => {
      let c = causeOf.get(line)
      if (c === undefined && !causeOf.has(line)) causeOf.set(line, c = CAUSES.find(x => x.pattern.test(line)))
      return c
    }
    return perProbedHost(s, (i, f, r) => {
      const out: Outcome[] = []
      const expected = expectedPaths(s, i)
      const mountedNow = expected.length > 0 && expected.every(e => coveringNfsMount(f, e.path)?.df?.status === 'ok')
      const found = new Map<string, string[]>()
      for (const l of f.logs) {
        const c = causeOfLine(l.line)
        if (c) found.set(c.id, [...(found.get(c.id) ?? []), `${l.source}: ${l.line}`])
      }
      for (const [id, lines] of found) {
        const {cause, fix} = CAUSES.find(c => c.id === id)!.explain(s, i, f)
        const now = mountedNow ? ' The mount works now, so this is from an earlier attempt; the same cause can return at the next boot.' : ''
        out.push(fail(r, `Logs on ${i.id} show a mount failure: ${cause}. Last line: "${lines[lines.length - 1]}".${now}`, fix,
          {evidence: {cause: id, lines}, key: {cause: id}, ...(mountedNow ? {severity: 'warning' as const} : {})}))
      }
      const ci = f.cloudInit ?? ''
      const ciFailed = /^(error|degraded)/.test(ci)
      if (found.size === 0 && ciFailed) {
        out.push(fail(r, `cloud-init on ${i.id} finished with status "${ci}"${f.logs.length ? ` (log: "${f.logs[f.logs.length - 1].line}")` : ''}; UserData may have stopped before or during the EFS mount.`,
          {summary: `Read the log on ${i.id}: sudo cloud-init status --long; sudo tail -n 100 /var/log/cloud-init-output.log.`},
          {evidence: {cloudInit: ci, lines: f.logs.map(l => l.line)}}))
      }
      if (found.size === 0 && !ciFailed) {
        const cut = f.truncated.some(t => t.section === 'ALL') || !f.complete
        out.push(cut && f.logs.length === 0
          ? unknown(r, `The probe output on ${i.id} was cut before the logs, so they could not be read.`)
          : passFor(s, r, () => `No EFS mount errors in the cloud-init or efs-utils logs on ${i.id}${ci ? ` (cloud-init: ${ci})` : ''}.`, () => ({evidence: {lines: f.logs.map(l => l.line)}})))
      }
      return out
    })
  },
})
