/**
 * Who mounts what (model/usage.ts), derived from what a snapshot holds — pure, so discovery, lint, the schema-1
 * upgrade and the checks all get the same answer:
 * - a UserData mount or fstab line → its host group (launch-template version, launch configuration, instance);
 * - the probe's mounts and fstab → the instance;
 * - a task-definition volume with efsVolumeConfiguration → the task definition (and its awsvpc services);
 * - a task-definition host path under a host's mount of X → X;
 * - `--file-system` → the user.
 * Checks then evaluate only the (client, file system) pairs this yields, never every client × every file system.
 */
import {pushTo} from '../../core/group.js'
import {memo, withMemo} from '../../core/memo.js'
import type {AutoScalingGroup, CfnInit, Instance, Service, Snapshot, TaskDefinition, UserData} from '../../model/snapshot.js'
import {describeUses, type AmbiguousUse, type FileSystemUse, type ScopedFileSystem, type UsageClient, type UsageEvidence} from '../../model/usage.js'
import {servicesRunning, taskDefinitionHosts} from './cluster-hosts.js'
import {effectiveMounts} from './user-data-check.js'
import {parseDevice, parseUd} from './user-data.js'
import {trimSlash} from '../../core/trim.js'

/** One EFS/NFS mount a UserData script sets up, as written. */
export interface UserDataMount {
  device: string
  mountPoint?: string
  fsType?: string
  /** 1-based line in the decoded script. */
  line: number
}

const NFS_TYPE = /^(efs|nfs4?)$/

/**
 * THE adapter between the UserData parser (user-data.ts) and the usage model: every EFS/NFS mount the script sets
 * up — fstab lines, `mount` commands, `mount -a` picking up fstab — as (device, mount point, line). Nothing else here
 * reads the parser's output, so a new parser only has to keep this function's answer.
 */
export function userDataMounts(ud: {text: string; cfnInit?: readonly CfnInit[]}): UserDataMount[] {
  // NOTE: with its cfn-init metadata (lint), where a template's fstab line is often written.
  const parsed = parseUd(ud)
  const seen = new Set<string>()
  const out: UserDataMount[] = []
  const add = (line: number, device: string | undefined, mountPoint: string | undefined, fsType: string | undefined) => {
    if (!device || seen.has(`${line} ${device}`)) return
    const d = parseDevice(device)
    const efsLike = d.fsId !== undefined || Boolean(d.dnsName?.includes('.efs.')) || (d.ip !== undefined && (fsType ?? '').split(',').some(t => NFS_TYPE.test(t)))
    if (!efsLike) return
    seen.add(`${line} ${device}`)
    out.push({device, line, ...(mountPoint ? {mountPoint} : {}), ...(fsType ? {fsType} : {})})
  }
  for (const e of parsed.fstab) add(e.line, e.device, e.mountPoint, e.fsType)
  for (const m of effectiveMounts(parsed)) add(m.fstab ? m.fstab.line : m.call.line, m.device, m.mountPoint, m.fsType)
  return out.sort((a, b) => a.line - b.line)
}

const FS_LITERAL = /^fs-[0-9a-f]{8}(?:[0-9a-f]{9})?$/
const FS_IN_TEXT = /\b(fs-[0-9a-f]{8}(?:[0-9a-f]{9})?)\b/

/**
 * The file system a device names: a literal id or EFS DNS name, a template's `${FileSystem}` (lint: a declared
 * AWS::EFS::FileSystem logical id), or a mount target's IP. Undefined when it cannot be told.
 */
export function deviceFileSystem(s: Snapshot, device: string, index: DeviceIndex = deviceIndex(s)): string | undefined {
  const d = parseDevice(device)
  if (d.ip) return index.byIp.get(d.ip)
  if (d.fsId && FS_LITERAL.test(d.fsId)) return d.fsId
  const logical = d.fsId ? /^\$\{([A-Za-z0-9]+)\}$/.exec(d.fsId)?.[1] : undefined
  if (logical && index.templateFileSystems.has(logical)) return logical
  return undefined
}

/** What a device can resolve to: mount-target IPs (in a template, mount-target logical ids) and a template's file systems. */
export interface DeviceIndex {byIp: Map<string, string>; templateFileSystems: Set<string>}

export function deviceIndex(s: Snapshot): DeviceIndex {
  const byIp = new Map<string, string>()
  for (const mt of s.mountTargets ?? []) for (const ip of [mt.ipAddress, mt.ipv6Address]) if (ip) byIp.set(ip, mt.fileSystemId)
  for (const mt of s.template?.mountTargets ?? []) byIp.set(mt.id, mt.fileSystemId)
  return {byIp, templateFileSystems: new Set((s.template?.fileSystems ?? []).map(f => f.id))}
}

export function userDataClient(ud: UserData): UsageClient {
  const {type, id, version} = ud.source
  const kind = type === 'template' ? 'template-host' : type
  return version === undefined ? {kind, id} : {kind, id, version}
}

const tdClient = (td: TaskDefinition): UsageClient =>
  td.revision === undefined ? {kind: 'task-definition', id: td.family} : {kind: 'task-definition', id: td.family, version: String(td.revision)}
export const clientKey = (c: UsageClient): string => `${c.kind} ${c.id} ${c.version ?? ''}`

/** Task ENIs are the NFS clients (awsvpc on EC2, or Fargate); otherwise the host's agent mounts the volume. */
export const runsInAwsvpc = (td: TaskDefinition, svc?: Service): boolean =>
  td.networkMode === 'awsvpc' || svc?.launchType === 'FARGATE' || (td.requiresCompatibilities ?? []).includes('FARGATE')

export interface UsageModel {
  /** File system → its clients with their evidence, in the order first seen. */
  uses: Map<string, FileSystemUse[]>
  /** Mounts whose file system cannot be told (the candidates are listed where they are reported). */
  ambiguous: AmbiguousUse[]
  /** The UserData ids with at least one such mount. */
  ambiguousUserData: Set<string>
  /** UserData id → the file systems its mounts name. */
  byUserData: Map<string, Set<string>>
  /** Instance id → the file systems its probe saw mounted or in fstab. */
  byInstance: Map<string, Set<string>>
  /** File systems every host of the cluster may mount: efsVolumeConfiguration volumes the host's agent mounts. */
  everyHost: Set<string>
}

/** The deepest mount point at or above `path` (walking up its ancestors: no scan of every mount). */
function deepestMountOf(mounts: ReadonlyMap<string, unknown>, keyLengths: ReadonlySet<number>, path: string): string | undefined {
  // NOTE: only prefixes as long as some key are looked up: hashing every prefix of a path of thousands of '/' was quadratic.
  for (let p = path; ; p = p.slice(0, Math.max(p.lastIndexOf('/'), 1))) {
    if (keyLengths.has(p.length) && mounts.has(p)) return p
    if (p === '/') return undefined
  }
}

/** The memo key of the usage model. */
const USAGE = 'usage'

/**
 * The snapshot with `usedBy` on each file system in scope, from its usage model (lint: the template's own clients), and
 * that model as runChecks' `derived` value: the model reads no scope, so it is the new snapshot's model too.
 */
export function withUsedBy(s: Snapshot): {snapshot: Snapshot; derived: Record<string, unknown>} {
  const m = deriveOnce(s)
  return {snapshot: {...s, scope: {...s.scope, fileSystems: s.scope.fileSystems.map(f => ({...f, usedBy: [...(f.usedBy ?? []), ...(m.uses.get(f.id) ?? [])]}))}},
    derived: {[USAGE]: m}}
}

/**
 * The usage model of a snapshot outside a check run: derived on a private shallow copy marked for memos, so the
 * indexes it builds (UserData by id, hosts by cluster, services by task definition) are built once, not per client.
 */
const deriveOnce = (s: Snapshot): UsageModel => deriveUsage(withMemo({...s}))

/**
 * What the usage model reads: another snapshot with these same values (===) has the same model. (The scope only
 * through `source`: never the file systems in scope, so scoping by the model does not change it.)
 */
export const usageInputs = (s: Snapshot): readonly unknown[] =>
  [s.userData, s.hostFacts, s.taskDefinitions, s.services, s.mountTargets, s.template, s.scope.source]

/**
 * The snapshot's usage model, derived outside a check run (see deriveOnce), and as runChecks' `derived` values
 * (usage.ts `withUsedBy` does the same for lint).
 */
export function usageOutsideRun(s: Snapshot): {model: UsageModel; derived: Record<string, unknown>} {
  const model = deriveOnce(s)
  return {model, derived: {[USAGE]: model}}
}

/** Builds the usage model of a snapshot (memoized for the length of one check run). */
export function usageModel(s: Snapshot): UsageModel {
  return memo(s, USAGE, () => deriveUsage(s))
}

function deriveUsage(s: Snapshot): UsageModel {
  const m: UsageModel = {uses: new Map(), ambiguous: [], ambiguousUserData: new Set(), byUserData: new Map(), byInstance: new Map(), everyHost: new Set()}
  const useIndex = new Map<string, FileSystemUse>()
  const evidenceSeen = new Set<string>()
  const add = (fsId: string, client: UsageClient, ev: UsageEvidence) => {
    const key = `${fsId} ${clientKey(client)}`
    let use = useIndex.get(key)
    if (!use) {
      use = {client, evidence: []}
      useIndex.set(key, use)
      pushTo(m.uses, fsId, use)
    }
    const evKey = `${key}\u0000${ev.kind}\u0000${ev.userDataId ?? ''}\u0000${ev.line ?? ''}\u0000${ev.templateLine ?? ''}\u0000${ev.volume ?? ''}\u0000${ev.path ?? ''}`
    if (!evidenceSeen.has(evKey)) {
      evidenceSeen.add(evKey)
      use.evidence.push(ev)
    }
  }
  const index = deviceIndex(s)
  /** Where hosts mount each file system, for task host paths: mount point → file systems (each pair once). */
  type Mounts = Map<string, Set<string>>
  const hostMounts: Mounts = new Map()
  /** The same per UserData script, for a task definition that runs on some hosts only (lint, several clusters). */
  const mountsByScript = new Map<string, Mounts>()
  /** The lengths of each Mounts' keys, for deepestMountOf. */
  const keyLengths = new WeakMap<Mounts, Set<number>>()
  const addTo = (mounts: Mounts, p: string, fsId: string) => {
    const lengths = keyLengths.get(mounts)
    if (lengths) lengths.add(p.length)
    else keyLengths.set(mounts, new Set([p.length]))
    const set = mounts.get(p)
    if (set) set.add(fsId)
    else mounts.set(p, new Set([fsId]))
  }
  const addHostMount = (path: string, fsId: string, userDataId?: string) => {
    addTo(hostMounts, trimSlash(path), fsId)
    if (userDataId === undefined) return
    const own = mountsByScript.get(userDataId) ?? mountsByScript.set(userDataId, new Map()).get(userDataId)!
    addTo(own, trimSlash(path), fsId)
  }
  /** The file systems under `path` on the given hosts: on each, its deepest mount at or above the path. */
  const fileSystemsUnder = (path: string, scripts: readonly string[] | undefined): Set<string> => {
    const out = new Set<string>()
    for (const mounts of scripts === undefined ? [hostMounts] : scripts.map(id => mountsByScript.get(id)).filter((x): x is Mounts => x !== undefined)) {
      const best = deepestMountOf(mounts, keyLengths.get(mounts) ?? new Set(), path)
      if (best) for (const fsId of mounts.get(best)!) out.add(fsId)
    }
    return out
  }

  for (const ud of s.userData ?? []) {
    const fsIds = new Set<string>()
    m.byUserData.set(ud.id, fsIds)
    if (!ud.text?.trim()) continue
    const client = userDataClient(ud)
    for (const mount of userDataMounts(ud)) {
      const templateLine = s.template?.userDataLines?.[ud.id]?.[mount.line - 1]
      const ev: UsageEvidence = {kind: 'userdata', userDataId: ud.id, line: mount.line, ...(templateLine === undefined ? {} : {templateLine}),
        ...(mount.mountPoint ? {path: mount.mountPoint} : {})}
      const fsId = deviceFileSystem(s, mount.device, index)
      if (!fsId) {
        m.ambiguous.push({client, evidence: ev, device: mount.device})
        m.ambiguousUserData.add(ud.id)
        continue
      }
      fsIds.add(fsId)
      add(fsId, client, ev)
      if (mount.mountPoint?.startsWith('/')) addHostMount(mount.mountPoint, fsId, ud.id)
    }
  }

  for (const [instanceId, hf] of Object.entries(s.hostFacts ?? {})) {
    const f = hf.status === 'ok' ? hf.facts : undefined
    if (!f) continue
    const fsIds = new Set<string>()
    m.byInstance.set(instanceId, fsIds)
    const client: UsageClient = {kind: 'instance', id: instanceId}
    for (const mount of f.mounts) {
      const fsId = probeMountFsId(f.efsStateFiles, mount)
      if (!fsId) continue
      fsIds.add(fsId)
      add(fsId, client, {kind: 'probe-mount', path: mount.target})
      addHostMount(mount.target, fsId)
    }
    for (const e of f.fstab) {
      const fsId = deviceFileSystem(s, e.device, index) ?? e.device.match(FS_IN_TEXT)?.[1]
      if (!fsId) continue
      fsIds.add(fsId)
      add(fsId, client, {kind: 'probe-fstab', path: e.mountPoint})
    }
  }

  for (const td of s.taskDefinitions ?? []) {
    const svcs = servicesRunning(s, td)
    const awsvpc = runsInAwsvpc(td, svcs[0])
    for (const v of td.volumes) {
      const efsId = v.efsVolumeConfiguration?.fileSystemId
      if (efsId && !efsId.includes('${')) {
        add(efsId, tdClient(td), {kind: 'task-volume', volume: v.name})
        if (awsvpc) for (const svc of svcs) add(efsId, {kind: 'service', id: svc.name}, {kind: 'task-volume', volume: v.name})
        else m.everyHost.add(efsId)
      }
      const path = v.host?.sourcePath
      if (!path?.startsWith('/')) continue
      // NOTE: lint with several clusters: only the hosts of the cluster its service runs on; none when that is not known.
      const hosts = taskDefinitionHosts(s, td)
      if (hosts.kind === 'ambiguous') continue
      for (const fsId of fileSystemsUnder(trimSlash(path), hosts.kind === 'hosts' ? hosts.hosts : undefined)) add(fsId, tdClient(td), {kind: 'task-host-path', volume: v.name, path})
    }
  }
  return m
}

/** The file system behind a probed mount: from its source, or for TLS mounts (127.0.0.1:/) the efs-utils state file. */
export function probeMountFsId(stateFiles: readonly string[], m: {source: string; options: string[]}): string | undefined {
  const direct = m.source.match(FS_IN_TEXT)?.[1]
  if (direct) return direct
  const port = m.options.find(o => o.startsWith('port='))?.slice(5)
  if (!port || !/^127\.0\.0\.1:/.test(m.source)) return undefined
  return stateFiles.find(name => name.endsWith(`.${port}`))?.match(FS_IN_TEXT)?.[1]
}

/**
 * Lint: the file systems (logical ids) a template host's UserData mounts; undefined when it names none that resolve
 * or one mount cannot be told.
 */
export function templateHostFileSystems(s: Snapshot, hostId: string): string[] | undefined {
  const m = usageModel(s)
  const fsIds = m.byUserData.get(hostId)
  if (!fsIds?.size || m.ambiguousUserData.has(hostId)) return undefined
  return [...fsIds]
}

/**
 * The other UserData scripts that mount a file system, when the UserData `udId` mounts none (and is read) and no task
 * definition binds a host path (so nothing needs its hosts to hold a mount): its hosts are then not taken for clients.
 * A Jenkins template: the master mounts its home from EFS, the agents mount nothing and must not be told to. Undefined
 * otherwise.
 */
export function mountedOnlyElsewhere(s: Snapshot, udId: string): string[] | undefined {
  const m = usageModel(s)
  if (m.byUserData.get(udId)?.size || m.ambiguousUserData.has(udId)) return undefined
  if ((s.taskDefinitions ?? []).some(td => td.volumes.some(v => v.host?.sourcePath))) return undefined
  const others = [...m.byUserData].filter(([id, fsIds]) => id !== udId && fsIds.size > 0).map(([id]) => id)
  return others.length > 0 ? others : undefined
}

/**
 * The file systems `fsIds` (those in scope), when tasks mount every one of them through efsVolumeConfiguration (the
 * ECS agent and its volume plugin mount it for each task, on EC2 as on Fargate), the UserData `udId` mounts none (and
 * is read) and no task definition binds a host path: nothing then needs its hosts to hold a mount of their own.
 * Undefined otherwise: task definitions not read, a host path bound (it may be meant to be on EFS), or a file system
 * in scope that no task mounts that way.
 */
export function mountedPerTask(s: Snapshot, udId: string, fsIds: readonly string[]): string[] | undefined {
  const m = usageModel(s)
  if (m.byUserData.get(udId)?.size || m.ambiguousUserData.has(udId)) return undefined
  const tds = s.taskDefinitions
  if (tds === undefined || tds.some(td => td.volumes.some(v => v.host?.sourcePath))) return undefined
  const perTask = new Set(tds.flatMap(td => td.volumes.flatMap(v => v.efsVolumeConfiguration ? [v.efsVolumeConfiguration.fileSystemId] : [])))
  return fsIds.length > 0 && fsIds.every(id => perTask.has(id)) ? [...fsIds] : undefined
}

/** UserData by id and by instance (first one wins, as a search in order would find), built once per check run. */
function userDataIndex(s: Snapshot): {byId: Map<string, UserData>; byInstance: Map<string, UserData>} {
  return memo(s, 'userDataIndex', () => {
    const byId = new Map<string, UserData>()
    const byInstance = new Map<string, UserData>()
    for (const u of s.userData ?? []) {
      if (!byId.has(u.id)) byId.set(u.id, u)
      for (const id of u.instanceIds) if (!byInstance.has(id)) byInstance.set(id, u)
    }
    return {byId, byInstance}
  })
}

/** The UserData script with this id (the first, as a search in order would find). */
export const userDataById = (s: Snapshot, id: string): UserData | undefined => userDataIndex(s).byId.get(id)

/** The UserData script an instance booted with, if the snapshot has it. */
export function userDataOf(s: Snapshot, instance: Instance): UserData | undefined {
  const ix = userDataIndex(s)
  return (instance.userDataId === undefined ? undefined : ix.byId.get(instance.userDataId)) ?? ix.byInstance.get(instance.id)
}

/**
 * The file systems in scope that an instance uses: what its UserData mounts, what its probe saw, the volumes its ECS
 * agent mounts for tasks, and every named or candidate file system. An instance with no evidence of its own (no
 * UserData read, or one whose mount cannot be told, and no probe) may use any file system in scope.
 */
export function instanceFileSystems(s: Snapshot, instance: Instance): ReadonlySet<string> {
  // NOTE: asked per instance by most checks: the answer is kept per instance for the run (one Map lookup after the first).
  const byInstance = memo(s, 'instanceFileSystems', () => new Map<Instance, ReadonlySet<string>>())
  let out = byInstance.get(instance)
  if (!out) byInstance.set(instance, out = usedFileSystems(s, userDataOf(s, instance), instance.id))
  return out
}

/**
 * The file systems in scope that the hosts an Auto Scaling group launches use: what the script it launches next
 * mounts, and what its instances in the snapshot use. With neither known, any file system in scope.
 */
export function autoScalingGroupFileSystems(s: Snapshot, asg: AutoScalingGroup): ReadonlySet<string> {
  const ud = asg.userDataId === undefined ? undefined : userDataById(s, asg.userDataId)
  const sets = ud ? [usedFileSystems(s, ud)] : []
  for (const id of asg.instanceIds) {
    const instance = s.instances?.[id]
    if (instance) sets.push(instanceFileSystems(s, instance))
  }
  if (sets.length === 0) return usedFileSystems(s, undefined)
  return sets.length === 1 ? sets[0] : new Set(sets.flatMap(x => [...x]))
}

/**
 * The file systems in scope used by hosts booted with `ud` (and, with `instanceId`, that instance's probe facts).
 * NOTE: hosts without probe facts that booted with the same UserData have the same answer: one set per script, so a
 * run costs one set per distinct (UserData, probe) evidence, not one per instance per check.
 */
function usedFileSystems(s: Snapshot, ud: UserData | undefined, instanceId?: string): ReadonlySet<string> {
  const m = usageModel(s)
  const fromProbe = instanceId === undefined ? undefined : m.byInstance.get(instanceId)
  const cache = memo(s, 'usedFileSystems', () => new Map<string, ReadonlySet<string>>())
  const key = fromProbe === undefined ? `ud ${ud?.id ?? ''}` : `instance ${instanceId}`
  let out = cache.get(key)
  if (!out) {
    const fromUd = ud ? m.byUserData.get(ud.id) : undefined
    const ownKnown = (fromUd !== undefined && !m.ambiguousUserData.has(ud!.id)) || fromProbe !== undefined
    const ids: string[] = []
    for (const f of s.scope.fileSystems) {
      if (!ownKnown || f.named || f.candidate || m.everyHost.has(f.id) || fromUd?.has(f.id) || fromProbe?.has(f.id)) ids.push(f.id)
    }
    // NOTE: one set per distinct answer, not per probed host: the per-instance memos keyed by this set (the mount
    // targets that serve a host, host.ts servedMountTargets) then work once per (file systems, AZ), not once per host.
    const sameAnswer = memo(s, 'usedFileSystemSets', () => new Map<string, ReadonlySet<string>>())
    const content = ids.join(' ')
    out = sameAnswer.get(content)
    if (!out) sameAnswer.set(content, out = new Set(ids))
    cache.set(key, out)
  }
  return out
}

const VPC_ONLY = /^has mount targets in /
const NAMED: FileSystemUse = {client: {kind: 'user', id: '--file-system'}, evidence: [{kind: 'named'}]}

/**
 * Scope by evidence. `found` is every file system discovery (or a schema-1 file) put forward, with its reasons;
 * `named` the --file-system ids. Named ones are the scope when given. Otherwise a file system is in scope when
 * something uses it (the usage model, or a reason other than "has mount targets in …"); those with only mount targets
 * where the instances run are candidates when nothing else is in scope, and left out (with a note) when something is.
 */
export function scopeByEvidence(s: Snapshot, found: readonly {id: string; reasons: string[]}[], named: readonly string[], m: UsageModel = deriveOnce(s)): {fileSystems: ScopedFileSystem[]; notes: string[]} {
  const usedBy = (id: string): FileSystemUse[] => m.uses.get(id) ?? []
  if (named.length) {
    return {fileSystems: named.map(id => ({id, reasons: ['named with --file-system'], usedBy: [NAMED, ...usedBy(id)], named: true})), notes: []}
  }
  const reasons = new Map(found.map(f => [f.id, f.reasons]))
  for (const [id, uses] of m.uses) if (!reasons.has(id)) reasons.set(id, [`used by ${describeUses(uses)}`])
  const entries = [...reasons].map(([id, r]) => ({id, reasons: r, usedBy: usedBy(id)}))
  const used = entries.filter(e => e.usedBy.length > 0 || e.reasons.some(r => !VPC_ONLY.test(r)))
  if (used.length === 0) return {fileSystems: entries.map(e => ({...e, candidate: true})), notes: []}
  const left = entries.filter(e => !used.includes(e))
  const notes = left.length
    ? [`${left.map(e => e.id).join(', ')} ${left.length > 1 ? 'have' : 'has'} mount targets where the instances run, but nothing in this cluster uses ${left.length > 1 ? 'them' : 'it'}: not checked (name one with --file-system to check it).`]
    : []
  return {fileSystems: used, notes}
}
