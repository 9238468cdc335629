/**
 * Shared, pure helpers for the host checks (snapshot.hostFacts, filled by the SSM probe): which instances were
 * probed and why others were not, which paths each host should have on EFS, and small fix builders.
 */
import {asKept, unknown} from '../../core/define-check.js'
import type {Outcome, Resource} from '../../core/types.js'
import {tdLabel, type HostFacts, type Instance, type MountTarget, type Snapshot, type UserData} from '../../model/snapshot.js'
import {memo} from '../../core/memo.js'
import type {ProbeFacts, ProbeMount, ProbeTcp} from '../../model/probe-facts.js'
import {instanceFileSystems, probeMountFsId, userDataOf} from './usage.js'
import {activeInstances, fileSystemRefs, instanceAzId, mountTargetForInstance, mountTargetIps, res} from './scope.js'
import {mountTargetUsedBy} from './mount-usage.js'
import {parseUd} from './user-data.js'
import {shellCommand} from '../../core/shell.js'
import {trimSlash} from '../../core/trim.js'

export const NFS_TYPES: ReadonlySet<string> = new Set(['nfs', 'nfs4', 'efs'])
export const isNfs = (fstype: string | undefined): boolean => NFS_TYPES.has(fstype ?? '')

export interface ProbedHost {
  instance: Instance
  facts: ProbeFacts
}

const WHY: Record<Exclude<HostFacts['status'], 'ok'>, string> = {
  'not-managed': 'it is not managed by SSM',
  offline: 'its SSM agent is offline',
  'not-linux': 'it is not a Linux instance',
  'timed-out': 'the probe command timed out',
  failed: 'the probe command failed',
  unparseable: 'the probe output could not be read',
  error: 'the SSM call failed',
}

/** Why a host has no usable facts, in words (undefined when it has them). */
export function notProbedReason(hf: HostFacts | undefined): string | undefined {
  if (!hf) return 'it was not probed'
  if (hf.status === 'ok' && hf.facts) return undefined
  const why = hf.status === 'ok' ? 'the probe returned no facts' : WHY[hf.status]
  return hf.reason ? `${why} (${hf.reason})` : why
}

/**
 * Active container instances split into those with probe facts and an `unknown` outcome for each of the others
 * (never a pass: we could not look).
 */
export function probedHosts(s: Snapshot): {hosts: readonly ProbedHost[]; notProbed: Outcome[]} {
  const {hosts, notProbed} = probeSplit(s)
  return {hosts, notProbed: notProbed.map(({instance, why, status}) =>
    unknown(res.instance(instance), `Could not look on ${instance.id}: ${why}; see host/ssm-managed.`, {evidence: {probeStatus: status}}))}
}

/** The active instances with probe facts, and why each other one has none: worked out once per check run (15 host checks ask). */
function probeSplit(s: Snapshot): {hosts: readonly ProbedHost[]; notProbed: readonly {instance: Instance; why: string; status: string}[]} {
  return memo(s, 'probeSplit', () => {
    const hosts: ProbedHost[] = []
    const notProbed: {instance: Instance; why: string; status: string}[] = []
    for (const {instance} of activeInstances(s)) {
      const hf = s.hostFacts?.[instance.id]
      const why = notProbedReason(hf)
      if (why === undefined) hosts.push({instance, facts: hf!.facts!})
      else notProbed.push({instance, why, status: hf?.status ?? 'not-probed'})
    }
    return {hosts, notProbed}
  })
}

/**
 * The outcomes of a host check: the `unknown` of every instance that could not be probed, then what `each` says for
 * every probed host (given its instance resource), in instance order.
 */
export function perProbedHost(s: Snapshot, each: (instance: Instance, facts: ProbeFacts, r: Resource) => Outcome | Outcome[]): Outcome[] {
  const {hosts, notProbed} = probedHosts(s)
  const out = notProbed
  for (const {instance, facts} of hosts) {
    const o = each(instance, facts, res.instance(instance))
    if (Array.isArray(o)) for (const x of o) out.push(asKept(s, x))
    else out.push(asKept(s, o))
  }
  return out
}

export interface ExpectedPath {
  path: string
  /** mount-point: UserData mounts EFS here; source-path: a task definition binds this host path. */
  kind: 'mount-point' | 'source-path'
  fsId?: string
  /** fstab device to suggest (from UserData), e.g. `fs-…:/`. */
  device?: string
  fstype?: string
  origin: string
}

const FS_ID = /\b(fs-[0-9a-f]{8,40})\b/
export const fsIdIn = (text: string | undefined): string | undefined => text?.match(FS_ID)?.[1]

/** Mount points UserData sets up with an NFS/EFS type (fstab lines and `mount` commands), first one per path. */
export function userDataMountPoints(s: Snapshot, instance: Instance): readonly ExpectedPath[] {
  const ud = userDataOf(s, instance)
  if (!ud) return []
  // NOTE: the answer depends on the script only, and a cluster's hosts share a few: one list per script per check run
  // (callers must not change it).
  const byScript = memo(s, 'userDataMountPoints', () => new Map<UserData, readonly ExpectedPath[]>())
  let out = byScript.get(ud)
  if (!out) byScript.set(ud, out = scriptMountPoints(ud))
  return out
}

function scriptMountPoints(ud: UserData): ExpectedPath[] {
  const parsed = parseUd(ud)
  const out = new Map<string, ExpectedPath>()
  for (const e of parsed.fstab) {
    if (!isNfs(e.fsType) || !e.mountPoint.startsWith('/')) continue
    const path = trimSlash(e.mountPoint)
    if (!out.has(path)) out.set(path, {path, kind: 'mount-point', fsId: fsIdIn(e.device), device: e.device, fstype: e.fsType,
      origin: `UserData ${ud.id} line ${e.line}`})
  }
  for (const m of parsed.mounts) {
    if (m.kind !== 'command' || !m.mountPoint?.startsWith('/') || !(isNfs(m.fsType) || fsIdIn(m.device))) continue
    const path = trimSlash(m.mountPoint)
    if (!out.has(path)) out.set(path, {path, kind: 'mount-point', fsId: fsIdIn(m.device), device: m.device, fstype: m.fsType,
      origin: `UserData ${ud.id} line ${m.line}`})
  }
  return [...out.values()]
}

/** host.sourcePath of task-definition volumes (bind mounts that should land on EFS); one list per check run. */
export function taskSourcePaths(s: Snapshot): readonly ExpectedPath[] {
  return memo(s, 'taskSourcePaths', () => sourcePaths(s))
}

function sourcePaths(s: Snapshot): ExpectedPath[] {
  const out = new Map<string, ExpectedPath>()
  for (const td of s.taskDefinitions ?? []) {
    for (const v of td.volumes) {
      const p = v.host?.sourcePath
      if (p?.startsWith('/') && !out.has(trimSlash(p))) {
        out.set(trimSlash(p), {path: trimSlash(p), kind: 'source-path', origin: `task definition ${tdLabel(td)} volume "${v.name}"`})
      }
    }
  }
  return [...out.values()]
}

/** What a host should have on EFS: UserData mount points, or else task-definition source paths. */
export function expectedPaths(s: Snapshot, instance: Instance): readonly ExpectedPath[] {
  const mps = userDataMountPoints(s, instance)
  return mps.length > 0 ? mps : taskSourcePaths(s)
}

/**
 * The TCP results that concern this instance: connects to the mount targets that serve it, those of its own AZ or the
 * one its UserData mounts by IP (mount-usage.ts mountTargetUsedBy) (the probe is one command
 * for every host, so it is told every mount-target IP and connects to all of them), plus any connect to an IP the
 * snapshot knows no mount target for (its AZ cannot be told, so it is not dropped). `served` is the mount targets
 * of the instance's AZ for the file systems in scope (callers must not change it).
 */
export function ownAzTcp(s: Snapshot, instance: Instance, f: ProbeFacts): {tcp: ProbeTcp[]; served: readonly MountTarget[]} {
  const {served, ownIps} = servedMountTargets(s, instance)
  const known = memo(s, 'mountTargetIps', () => new Set((s.mountTargets ?? []).flatMap(mountTargetIps)))
  return {tcp: f.tcp.filter(t => ownIps.has(t.ip) || !known.has(t.ip)), served}
}

type Served = {served: readonly MountTarget[]; ownIps: ReadonlySet<string>}

/**
 * The mount targets that serve an instance and their IPs. They depend only on the file systems it uses, its UserData
 * and its AZ (id and name), which a cluster's hosts share: worked out once per (file systems, UserData, AZ) per check
 * run. Where the UserData names several mount targets in other AZs by IP, the one of its own AZ stands.
 */
function servedMountTargets(s: Snapshot, instance: Instance): Served {
  const uses = instanceFileSystems(s, instance)
  const ud = userDataOf(s, instance)
  const azId = instanceAzId(s, instance)
  const byUses = memo(s, 'servedMountTargets', () => new Map<ReadonlySet<string>, Map<UserData | undefined, Map<string | undefined, Map<string | undefined, Served>>>>())
  const byUd = byUses.get(uses) ?? byUses.set(uses, new Map()).get(uses)!
  const byAzId = byUd.get(ud) ?? byUd.set(ud, new Map()).get(ud)!
  const byAzName = byAzId.get(azId) ?? byAzId.set(azId, new Map()).get(azId)!
  let out = byAzName.get(instance.azName)
  if (!out) {
    const served = fileSystemRefs(s).filter(fs => uses.has(fs.id))
      .map(fs => mountTargetUsedBy(s, fs.id, instance).mt ?? mountTargetForInstance(s, fs.id, instance)).filter((mt): mt is MountTarget => !!mt)
    byAzName.set(instance.azName, out = {served, ownIps: new Set(served.flatMap(mountTargetIps))})
  }
  return out
}

export const nfsMounts = (f: ProbeFacts): ProbeMount[] => f.mounts.filter(m => isNfs(m.fstype))

/** The NFS mount that covers `path` (deepest mount point that is a prefix; the later one wins on ties). */
export function coveringNfsMount(f: ProbeFacts, path: string): ProbeMount | undefined {
  let best: ProbeMount | undefined
  for (const m of nfsMounts(f)) {
    const t = trimSlash(m.target)
    if ((path === t || path.startsWith(t === '/' ? '/' : `${t}/`)) && (!best || t.length >= trimSlash(best.target).length)) best = m
  }
  return best
}

/**
 * The file system behind a mount: from its source (`fs-….efs.…:/`), or for TLS mounts (source `127.0.0.1:/`) from
 * the efs-utils state file whose name ends with the mount's local port.
 */
export const mountFsId = (f: ProbeFacts, m: ProbeMount): string | undefined => probeMountFsId(f.efsStateFiles, m)

/** What the probe saw under a path that is not on NFS, for messages: "on / (xfs)". */
export function seenAt(f: ProbeFacts, path: string): string {
  const e = f.expectedPaths.find(x => trimSlash(x.path) === path)
  return e?.coveringTarget ? `it is on ${e.coveringTarget} (${e.fstype ?? '?'})` : 'nothing is mounted there'
}

/** A copy-pasteable SSM Run Command for one instance; `command` is built with core/shell, the parameters are JSON, quoted. */
export function ssmRun(instanceId: string, command: string): string {
  return shellCommand(['aws', 'ssm', 'send-command', '--instance-ids', instanceId, '--document-name', 'AWS-RunShellScript',
    '--parameters', JSON.stringify({commands: [command]})])
}

/** Package-manager command that installs the EFS client on the probed OS. */
export function installClientCommand(f: ProbeFacts): string {
  const id = f.os?.id ?? ''
  if (['ubuntu', 'debian'].includes(id)) return 'sudo apt-get update && sudo apt-get install -y nfs-common'
  if (['amzn', 'rhel', 'centos', 'fedora', 'rocky', 'almalinux'].includes(id)) {
    return id === 'amzn' ? 'sudo yum install -y amazon-efs-utils' : 'sudo yum install -y nfs-utils'
  }
  return 'sudo yum install -y amazon-efs-utils   # or: sudo apt-get install -y nfs-common'
}
