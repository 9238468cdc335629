/**
 * Host probes over SSM: builds ONE probe command for every instance of a run from what the snapshot knows (file-system
 * DNS names, every mount-target IP of the file systems in scope, the paths expected on EFS anywhere in the cluster),
 * runs it through an SsmRunner (so N instances cost ⌈N/50⌉ SendCommand calls), and turns each result into HostFacts —
 * `ok` with parsed facts, or the reason the host could not be read (never a pass by default). The host checks pick
 * the connect result for the instance's own AZ from the snapshot.
 */
import type {HostFacts, Instance, Snapshot} from '../model/snapshot.js'
import {parseUserData} from '../checks/_lib/user-data.js'
import {rootDirectoryProbeItems} from '../checks/_lib/root-directories.js'
import {checkHostPath} from '../core/host-path.js'
import {redactSecrets} from '../core/redact.js'
import {loadShellParserForSnapshot} from '../core/shell-parser.js'
import {efsDnsName} from './mount-plan.js'
import {parseProbe} from './parse-probe.js'
import {buildProbeCommand, type ProbeInputs} from './probe-script.js'
import type {InvocationResult, SsmRunner} from './ssm-runner.js'

export interface ProbeOptions {
  /** Seconds the probe may run on each host (default 60). */
  timeoutSeconds?: number
  /** Overall wait for results (default timeoutSeconds + 30). */
  waitSeconds?: number
  /** The run's deadline (--timeout). */
  signal?: AbortSignal
}

export const DEFAULT_PROBE_TIMEOUT = 60
const MAX_EXPECTED_PATHS = 40

function regionOf(snapshot: Snapshot, instance?: Instance): string | undefined {
  if (snapshot.scope.region) return snapshot.scope.region
  const az = instance?.azName ?? snapshot.mountTargets?.find(m => m.azName)?.azName
  return az?.replace(/[a-z]$/, '')
}

function fileSystemIds(snapshot: Snapshot): string[] {
  const ids = snapshot.scope.fileSystems.map(f => f.id)
  return ids.length ? ids : (snapshot.fileSystems ?? []).map(f => f.id)
}

/** Mount points the instance's UserData mounts EFS/NFS on, plus every task-definition host.sourcePath. */
export function expectedPaths(snapshot: Snapshot, instanceId: string): string[] {
  const out = new Set<string>()
  const instance = snapshot.instances?.[instanceId]
  const ud = snapshot.userData?.find(u => u.id === instance?.userDataId || u.instanceIds.includes(instanceId))
  if (ud) {
    try {
      const parsed = parseUserData(ud.text)
      const nfs = (t?: string) => !t || /^(efs|nfs4?)$/.test(t)
      for (const m of parsed.mounts) if (m.mountPoint && nfs(m.fsType)) out.add(m.mountPoint)
      for (const f of parsed.fstab) if (nfs(f.fsType)) out.add(f.mountPoint)
    } catch {
      // NOTE: an unparseable UserData only means fewer expected paths; the ud/* checks report it.
    }
  }
  for (const td of snapshot.taskDefinitions ?? []) {
    for (const v of td.volumes) if (v.host?.sourcePath) out.add(v.host.sourcePath)
  }
  // NOTE: the same allow-list as `mount --path`: a path with glob characters (`/data/app[1]`, `/*/*`), whitespace or
  // an unresolved variable is never sent to a host, so the probe cannot be made to glob through a hung mount.
  const plain = [...out].map(checkHostPath).flatMap(c => c.ok ? [c.path] : [])
  return [...new Set(plain)].sort().slice(0, MAX_EXPECTED_PATHS)
}

/** Mount-target IPs of the file systems in scope, in the instance's AZ (matched by AZ id when known). */
export function mountTargetIps(snapshot: Snapshot, instanceId: string): string[] {
  const instance = snapshot.instances?.[instanceId]
  if (!instance) return []
  const azId = instance.subnetId ? snapshot.subnets?.[instance.subnetId]?.azId : undefined
  const fsIds = new Set(fileSystemIds(snapshot))
  return [...new Set((snapshot.mountTargets ?? [])
    .filter(mt => fsIds.has(mt.fileSystemId) && mt.ipAddress && mt.lifeCycleState !== 'deleted')
    .filter(mt => (azId && mt.azId) ? mt.azId === azId : (mt.azName !== undefined && mt.azName === instance.azName))
    .map(mt => mt.ipAddress as string))]
}

/** Every mount-target IP of the file systems in scope, all AZs (the probe connects to each; checks pick their AZ's). */
export function allMountTargetIps(snapshot: Snapshot): string[] {
  const fsIds = new Set(fileSystemIds(snapshot))
  return [...new Set((snapshot.mountTargets ?? [])
    .filter(mt => fsIds.has(mt.fileSystemId) && mt.ipAddress && mt.lifeCycleState !== 'deleted')
    .map(mt => mt.ipAddress as string))].sort()
}

/**
 * What the probe is told to look at, the same for every instance in `instanceIds` (one identical command, so one
 * SendCommand per 50 instances): all mount-target IPs in scope and the union of the expected paths.
 */
export function probeInputs(snapshot: Snapshot, instanceIds: string | readonly string[]): ProbeInputs {
  const ids = typeof instanceIds === 'string' ? [instanceIds] : [...instanceIds]
  const region = regionOf(snapshot, ids.map(id => snapshot.instances?.[id]).find(Boolean))
  const paths = new Set<string>()
  for (const id of ids) for (const p of expectedPaths(snapshot, id)) paths.add(p)
  return {
    fsDnsNames: region ? fileSystemIds(snapshot).map(id => efsDnsName(id, region)) : [],
    mountTargetIps: allMountTargetIps(snapshot),
    expectedPaths: [...paths].sort().slice(0, MAX_EXPECTED_PATHS),
    rootDirectories: rootDirectoryProbeItems(snapshot),
  }
}

/** Runner result → HostFacts. */
export function toHostFacts(r: InvocationResult): HostFacts {
  const base = {instanceId: r.instanceId}
  // NOTE: a failed run's reason quotes the host's stderr; it is stored in snapshots and printed like the facts are.
  const why = redactSecrets(r.reason ?? r.status)
  switch (r.status) {
    case 'Success': {
      if (r.truncated) return {...base, status: 'unparseable', reason: 'the probe output was cut at SSM\'s 24,000-character limit'}
      // NOTE: the probe always prints its EFSD header, so an empty Success is the SSM endpoint's doing, not the host's.
      if (!r.stdout.trim() && !r.stderr.trim()) return {...base, status: 'unparseable', reason: 'SSM reported the command as successful but returned no output'}
      const parsed = parseProbe(r.stdout)
      if (!parsed.ok) return {...base, status: 'unparseable', reason: parsed.error}
      if (!parsed.facts.complete) return {...base, status: 'unparseable', reason: 'the probe output has no END line (cut short)'}
      return {...base, status: 'ok', facts: parsed.facts}
    }
    case 'NotManaged': return {...base, status: 'not-managed', reason: why}
    case 'Undeliverable': case 'DeliveryTimedOut': return {...base, status: 'offline', reason: why}
    case 'InvalidPlatform': return {...base, status: 'not-linux', reason: why}
    case 'TimedOut': case 'ExecutionTimedOut': return {...base, status: 'timed-out', reason: why}
    case 'Failed': case 'Cancelled': case 'Terminated': return {...base, status: 'failed', reason: why}
    default: return {...base, status: 'error', reason: why}
  }
}

/** Probes `instanceIds` with one identical command; the runner sends it in batches of 50. */
export async function probeInstances(runner: SsmRunner, snapshot: Snapshot, instanceIds: readonly string[], opts: ProbeOptions = {}):
  Promise<Record<string, HostFacts>> {
  const timeoutSeconds = opts.timeoutSeconds ?? DEFAULT_PROBE_TIMEOUT
  const ids = [...new Set(instanceIds)]
  const out: Record<string, HostFacts> = {}
  if (ids.length === 0) return out
  await loadShellParserForSnapshot(snapshot)
  const command = buildProbeCommand(probeInputs(snapshot, ids))
  let results: InvocationResult[]
  try {
    results = await runner.run(ids, command, {timeoutSeconds, waitSeconds: opts.waitSeconds ?? timeoutSeconds + 30,
      maxErrors: '100%', comment: 'efsdoctor host probe (read-only)', signal: opts.signal})
  } catch (error) {
    // NOTE: runners should not throw; if one does, the hosts are unknown, not the whole run lost.
    results = ids.map(instanceId => ({instanceId, status: 'Error', stdout: '', stderr: '', reason: (error as Error).message}))
  }
  for (const r of results) out[r.instanceId] = toHostFacts(r)
  return out
}

/** The instances a cluster run probes: ACTIVE container instances whose ECS agent is connected. */
export function instancesToProbe(snapshot: Snapshot): string[] {
  return [...new Set((snapshot.containerInstances ?? [])
    .filter(ci => ci.status === 'ACTIVE' && ci.agentConnected && ci.ec2InstanceId)
    .map(ci => ci.ec2InstanceId))]
}

/** Probes the snapshot's container instances in place (sets snapshot.hostFacts) with the given SSM client. */
export async function probeSnapshot(ssmClient: import('../inventory/aws-clients.js').SdkClient, snapshot: Snapshot,
  opts: ProbeOptions & {onStep?: (line: string) => void} = {}): Promise<Snapshot> {
  const {createSsmRunner} = await import('./ssm-runner.js')
  const ids = instancesToProbe(snapshot)
  opts.onStep?.(`probing ${ids.length} instance(s) over SSM`)
  snapshot.hostFacts = ids.length ? await probeInstances(createSsmRunner(ssmClient), snapshot, ids, opts) : {}
  return snapshot
}
