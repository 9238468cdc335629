/**
 * Pure planning for `efsdoctor mount`: validates what the user asked for against strict patterns, picks the mount
 * target each instance should use (its own AZ; DNS name when VPC DNS works, else the mount-target IP), and builds the
 * exact text sent through SSM — a POSIX environment header with every value single-quoted, then mount-efs.sh run by
 * bash. mount-efs.sh validates every value again on the host.
 */
import {UsageError} from '../core/errors.js'
import {checkHostPath} from '../core/host-path.js'
import {shellQuote as quote} from '../core/shell.js'
import type {Instance, MountTarget, Snapshot} from '../model/snapshot.js'
import {ACCESS_POINT_RE, FS_ID_RE, REGION_RE} from '../model/ids.js'
export {ACCESS_POINT_RE, FS_ID_RE, REGION_RE}

const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

/** The NFS options AWS recommends for EFS (the nfs method always uses them). */
export const NFS_RECOMMENDED = 'nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport'

const NUM = /^\d{1,7}$/
/** Extra mount options a user may add; null = a flag without value. Must stay a subset of mount-efs.sh's list. */
const OPTION_VALUES: Record<string, RegExp | null> = {
  nfsvers: /^4(\.[01])?$/, vers: /^4(\.[01])?$/, rsize: NUM, wsize: NUM, timeo: NUM, retrans: NUM, actimeo: NUM,
  acregmin: NUM, acregmax: NUM, acdirmin: NUM, acdirmax: NUM, lookupcache: /^(all|none|pos|positive)$/,
  verify: /^\d$/, az: /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/,
  hard: null, soft: null, noresvport: null, noac: null, ro: null, rw: null, noatime: null, nodiratime: null,
  relatime: null, nosuid: null, nodev: null, noexec: null, sync: null, async: null, fsc: null, nofsc: null,
  cto: null, nocto: null, ocsp: null, noocsp: null,
}
const FLAG_INSTEAD: Record<string, string> = {
  tls: '--tls', iam: '--iam', accesspoint: '--access-point', mounttargetip: 'nothing (the mount target is chosen per instance)',
  _netdev: 'nothing (always added)', nofail: 'nothing (always added)',
}
const SYSTEM_DIRS = new Set(['/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib64', '/mnt', '/opt', '/proc', '/root',
  '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/var', '/var/lib', '/var/lib/docker', '/var/lib/ecs'])
const SYSTEM_TREES = ['/proc/', '/sys/', '/dev/', '/etc/', '/boot/', '/run/', '/usr/', '/bin/', '/sbin/', '/lib/', '/lib64/']

export type MethodFlag = 'efs-utils' | 'nfs'

/** What the user typed (flags), before validation. */
export interface MountRequest {
  fileSystemId: string
  path: string
  /** undefined = decided on each host: efs-utils when installed, else NFS. */
  method?: MethodFlag
  tls?: boolean
  iam?: boolean
  accessPointId?: string
  /** Extra mount options, comma separated. */
  options?: string
  fstab?: boolean
  allowNonEmpty?: boolean
  /** A path through a symlink is mounted at its real path (the host resolves it); else the host refuses it. */
  followSymlinks?: boolean
  restartDocker?: boolean
  region?: string
  /**
   * Set up at first boot by UserData, not on a running host: then /home may be the mount point (shared home
   * directories, a documented pattern: AWS in Action's template mounts EFS at /home). On a running host a mount over
   * /home hides every user's files and SSH keys, so `mount` refuses it.
   */
  atFirstBoot?: boolean
}

export interface MountSpec {
  fileSystemId: string
  path: string
  method: 'efs' | 'nfs' | 'auto'
  tls: boolean
  iam: boolean
  accessPointId?: string
  options: string[]
  fstab: boolean
  allowNonEmpty: boolean
  followSymlinks: boolean
  restartDocker: boolean
  region?: string
  /** Things the plan changed or wants the user to know (e.g. "--iam implies --tls"). */
  notes: string[]
}

function checkPath(raw: string, atFirstBoot: boolean): string {
  const checked = checkHostPath(raw)
  if (!checked.ok && checked.reason === 'characters') {
    throw new UsageError(`--path "${raw}" must be an absolute path of letters, digits, ".", "_" and "-" (e.g. /mnt/efs)`)
  }
  if (!checked.ok) throw new UsageError(`--path "${raw}" must not contain . or .. parts`)
  const {path} = checked
  if (path === '/home' && !atFirstBoot) {
    throw new UsageError('--path "/home" on a running host would hide every user\'s files and SSH keys; mount EFS somewhere of its own, e.g. /mnt/efs (for shared home directories, mount /home at first boot: efsdoctor userdata --path /home)')
  }
  if (path !== '/home' && (SYSTEM_DIRS.has(path) || SYSTEM_TREES.some(t => path.startsWith(t)))) {
    throw new UsageError(`--path "${path}" is a system directory; mount EFS somewhere of its own, e.g. /mnt/efs`)
  }
  return path
}

export function parseOptions(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return []
  if (raw.length > 300) throw new UsageError('--options is too long')
  return raw.split(',').map(item => {
    const m = /^([a-z_]+)(?:=(.*))?$/s.exec(item)
    if (!m) throw new UsageError(`--options item "${item}" is not name or name=value`)
    const [, name, value] = m
    if (name in FLAG_INSTEAD) throw new UsageError(`mount option "${name}" is not accepted in --options; use ${FLAG_INSTEAD[name]}`)
    if (!(name in OPTION_VALUES)) {
      throw new UsageError(`mount option "${name}" is not allowed (allowed: ${Object.keys(OPTION_VALUES).join(', ')})`)
    }
    const pattern = OPTION_VALUES[name]
    if (pattern === null && value !== undefined) throw new UsageError(`mount option "${name}" takes no value`)
    if (pattern !== null && (value === undefined || !pattern.test(value))) {
      throw new UsageError(`mount option "${name}" needs a value matching ${pattern.source}`)
    }
    return item
  })
}

/** Validates every user-supplied value; throws UsageError with one clear line on the first bad one. */
export function validateMountRequest(req: MountRequest): MountSpec {
  if (!FS_ID_RE.test(req.fileSystemId)) {
    throw new UsageError(`"${req.fileSystemId}" is not an EFS file system id (fs- and 8 or 17 hex digits)`)
  }
  const path = checkPath(req.path, req.atFirstBoot === true)
  if (req.accessPointId !== undefined && !ACCESS_POINT_RE.test(req.accessPointId)) {
    throw new UsageError(`"${req.accessPointId}" is not an access point id (fsap- and 17 hex digits)`)
  }
  if (req.region !== undefined && !REGION_RE.test(req.region)) throw new UsageError(`"${req.region}" is not an AWS region name`)
  if (req.method !== undefined && req.method !== 'efs-utils' && req.method !== 'nfs') {
    throw new UsageError(`--method must be efs-utils or nfs, not "${String(req.method)}"`)
  }
  const options = parseOptions(req.options)
  const notes: string[] = []
  let tls = Boolean(req.tls)
  const iam = Boolean(req.iam)
  const usesEfsUtils = tls || iam || req.accessPointId !== undefined
  if (req.method === 'nfs' && usesEfsUtils) {
    throw new UsageError('--tls, --iam and --access-point need --method efs-utils (plain NFS cannot do them)')
  }
  if ((iam || req.accessPointId) && !tls) {
    tls = true
    notes.push(`${iam ? '--iam' : '--access-point'} needs TLS: --tls added`)
  }
  let method: MountSpec['method'] = req.method === 'nfs' ? 'nfs' : req.method === 'efs-utils' ? 'efs' : 'auto'
  if (method === 'auto' && usesEfsUtils) {
    method = 'efs'
    notes.push('TLS/IAM/access points need amazon-efs-utils: method efs-utils (installed when missing)')
  }
  return {
    fileSystemId: req.fileSystemId, path, method, tls, iam, accessPointId: req.accessPointId, options,
    fstab: req.fstab !== false, allowNonEmpty: Boolean(req.allowNonEmpty), followSymlinks: Boolean(req.followSymlinks),
    restartDocker: Boolean(req.restartDocker),
    region: req.region, notes,
  }
}

/** core/shell's quoting; a NUL in a value is a usage error here (it came from a flag). */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new UsageError('values must not contain NUL characters')
  return quote(value)
}

/** `export NAME='value'` lines; names are fixed identifiers, values are quoted. */
export function buildEnvHeader(vars: Record<string, string>): string {
  return Object.entries(vars).map(([name, value]) => {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new Error(`bad variable name ${name}`)
    return `export ${name}=${shellQuote(value)}\n`
  }).join('')
}

/** `fs-….efs.<region>.amazonaws.com`, `.com.cn` in the China regions. */
export function efsDnsName(fileSystemId: string, region: string): string {
  return `${fileSystemId}.efs.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`
}

export type TargetKind = 'dns' | 'ip' | 'none'

export interface TargetChoice {
  kind: TargetKind
  /** DNS name or IPv4 address given to the script as EFSD_TARGET. */
  target?: string
  mountTargetId?: string
  azName?: string
  azId?: string
  /** Why this target (shown in the plan). */
  why: string
  /** Set when this instance cannot be mounted as asked (it is then not sent anything). */
  problem?: string
}

/** VPC DNS resolves the EFS name: both VPC attributes on and Amazon DNS in the DHCP options. undefined = not known. */
function vpcDnsWorks(s: Snapshot, inst: Instance, mt: MountTarget): boolean | undefined {
  if (mt.vpcId && inst.vpcId && mt.vpcId !== inst.vpcId) return false
  const vpc = inst.vpcId ? s.vpcs?.[inst.vpcId] : undefined
  if (!vpc || vpc.enableDnsSupport === undefined || vpc.enableDnsHostnames === undefined) return undefined
  if (!vpc.enableDnsSupport || !vpc.enableDnsHostnames) return false
  if (vpc.domainNameServers && !vpc.domainNameServers.includes('AmazonProvidedDNS')) return false
  return true
}

/** Picks the mount target of the instance's own AZ, and whether to reach it by DNS name or IP. */
export function chooseTarget(s: Snapshot | undefined, instanceId: string, spec: MountSpec): TargetChoice {
  const needTarget = spec.method !== 'efs'
  const none = (why: string): TargetChoice => needTarget
    ? {kind: 'none', why, problem: `${why}; the nfs method needs a mount target (use --method efs-utils or fix the snapshot)`}
    : {kind: 'none', why: `${why}; efs-utils resolves the mount target on the host`}
  if (!s) return none('no inventory')
  const inst = s.instances?.[instanceId]
  if (!inst) return none(`${instanceId} is not in the inventory`)
  const azId = inst.subnetId ? s.subnets?.[inst.subnetId]?.azId : undefined
  const azName = inst.azName ?? (inst.subnetId ? s.subnets?.[inst.subnetId]?.azName : undefined)
  if (!s.mountTargets) return none('mount targets could not be read')
  const mts = s.mountTargets.filter(m => m.fileSystemId === spec.fileSystemId)
  const inAz = mts.find(m => (azId && m.azId ? m.azId === azId : azName !== undefined && m.azName === azName))
  const where = azName ?? azId ?? 'its AZ'
  if (!inAz) {
    return {kind: 'none', azName, azId, why: 'no mount target in the instance AZ',
      problem: `${spec.fileSystemId} has no mount target in ${where} (where ${instanceId} runs); create one first`}
  }
  if (inAz.lifeCycleState !== 'available') {
    return {kind: 'none', azName, azId, mountTargetId: inAz.id, why: `mount target ${inAz.id} is ${inAz.lifeCycleState}`,
      problem: `mount target ${inAz.id} in ${where} is ${inAz.lifeCycleState}, not available; retry when it is`}
  }
  const region = spec.region ?? s.scope.region
  const dns = vpcDnsWorks(s, inst, inAz)
  const base = {mountTargetId: inAz.id, azName, azId}
  if (dns === true && region) {
    return {...base, kind: 'dns', target: efsDnsName(spec.fileSystemId, region), why: `${inAz.id} in ${where} by DNS name (VPC DNS works)`}
  }
  if (inAz.ipAddress && IPV4_RE.test(inAz.ipAddress)) {
    const reason = dns === false ? 'VPC DNS cannot resolve the EFS name' : 'VPC DNS settings unknown'
    return {...base, kind: 'ip', target: inAz.ipAddress, why: `${inAz.id} in ${where} by IP ${inAz.ipAddress} (${reason})`}
  }
  if (region) {
    return {...base, kind: 'dns', target: efsDnsName(spec.fileSystemId, region),
      why: `${inAz.id} in ${where} by DNS name (mount-target IP unknown; VPC DNS ${dns === false ? 'looks broken' : 'not verified'})`}
  }
  return needTarget
    ? {...base, kind: 'none', why: 'no region and no mount-target IP', problem: 'neither the region nor the mount-target IP is known; pass --region'}
    : {...base, kind: 'none', why: `${inAz.id} in ${where}; efs-utils resolves it on the host`}
}

/** Mount options and the fstab line the script will write for `method` (mirrors mount-efs.sh). */
export function mountLine(spec: MountSpec, method: 'efs' | 'nfs', choice: Pick<TargetChoice, 'kind' | 'target'>):
  {fstabLine: string; mountCommand: string} {
  const opts: string[] = []
  let source: string
  let fstype: string
  if (method === 'efs') {
    fstype = 'efs'
    source = `${spec.fileSystemId}:/`
    if (spec.tls) opts.push('tls')
    if (spec.iam) opts.push('iam')
    if (spec.accessPointId) opts.push(`accesspoint=${spec.accessPointId}`)
    if (choice.kind === 'ip' && choice.target) opts.push(`mounttargetip=${choice.target}`)
  } else {
    fstype = 'nfs4'
    source = `${choice.target ?? '<mount-target>'}:/`
    opts.push(NFS_RECOMMENDED)
  }
  opts.push(...spec.options)
  const o = opts.join(',')
  return {
    fstabLine: `${source} ${spec.path} ${fstype} ${o ? `${o},` : ''}_netdev,nofail 0 0`,
    mountCommand: `mount -t ${fstype}${o ? ` -o ${o}` : ''} ${source} ${spec.path}`,
  }
}

/** The environment variables the script reads (EFSD_ROOT / EFSD_MOUNT_BIN are never sent: they are for tests). */
export function scriptEnv(spec: MountSpec, choice: Pick<TargetChoice, 'target'>): Record<string, string> {
  const flag = (b: boolean) => (b ? '1' : '0')
  return {
    EFSD_FS_ID: spec.fileSystemId,
    EFSD_PATH: spec.path,
    EFSD_METHOD: spec.method,
    EFSD_TARGET: choice.target ?? '',
    EFSD_REGION: spec.region ?? '',
    EFSD_TLS: flag(spec.tls),
    EFSD_IAM: flag(spec.iam),
    EFSD_ACCESS_POINT: spec.accessPointId ?? '',
    EFSD_OPTIONS: spec.options.join(','),
    EFSD_NO_FSTAB: flag(!spec.fstab),
    EFSD_ALLOW_NON_EMPTY: flag(spec.allowNonEmpty),
    EFSD_FOLLOW_SYMLINKS: flag(spec.followSymlinks),
    EFSD_RESTART_DOCKER: flag(spec.restartDocker),
  }
}

/**
 * The text sent as the SSM command: env header, then the script run by bash (SSM may run commands with /bin/sh,
 * which is dash on Ubuntu). The script is one single-quoted argument, never on stdin, so package managers cannot eat it.
 */
export function buildRemoteCommand(env: Record<string, string>, scriptText: string): string {
  return `${buildEnvHeader(env)}exec bash -c ${shellQuote(scriptText)} efsdoctor-mount\n`
}

export interface InstancePlan {
  instanceId: string
  choice: TargetChoice
  /** The fstab line(s) per possible method (auto: both; decided on the host). */
  lines: {method: 'efs' | 'nfs'; fstabLine: string; mountCommand: string}[]
  env: Record<string, string>
  /** Exact text to send; undefined when `choice.problem` is set. */
  command?: string
}

export interface MountPlan {
  spec: MountSpec
  instances: InstancePlan[]
}

export function planMount(spec: MountSpec, snapshot: Snapshot | undefined, instanceIds: string[], scriptText: string): MountPlan {
  const instances = instanceIds.map(instanceId => {
    const choice = chooseTarget(snapshot, instanceId, spec)
    const methods: ('efs' | 'nfs')[] = spec.method === 'auto' ? (choice.target ? ['efs', 'nfs'] : ['efs']) : [spec.method]
    const env = scriptEnv(spec, choice)
    return {
      instanceId, choice, env,
      lines: methods.map(method => ({method, ...mountLine(spec, method, choice)})),
      command: choice.problem ? undefined : buildRemoteCommand(env, scriptText),
    }
  })
  return {spec, instances}
}

/** Human-readable plan: what runs where, the exact fstab line, and what --restart-docker does. */
export function renderPlan(plan: MountPlan, opts: {showScript?: boolean} = {}): string {
  const {spec} = plan
  const out: string[] = []
  const method = spec.method === 'auto' ? 'efs-utils when installed on the host, else NFS' : spec.method === 'efs' ? 'efs-utils' : 'NFS'
  if (plan.instances.length === 0) {
    // NOTE: nothing would run anywhere, so there is no per-instance mount or fstab line to show.
    out.push(`Mount ${spec.fileSystemId} at ${spec.path}: no instance to send it to (see the notes and results below)`)
    for (const n of spec.notes) out.push(`  note: ${n}`)
    return `${out.join('\n')}\n`
  }
  out.push(`Mount ${spec.fileSystemId} at ${spec.path} on ${plan.instances.length} instance(s) — method: ${method}`)
  out.push(`  fstab: ${spec.fstab ? 'add the line shown under each instance (backup first; _netdev,nofail)' : 'left alone (--no-fstab): the mount will not survive a reboot'}`)
  if (spec.allowNonEmpty) out.push('  --allow-non-empty: files already in the directory will be hidden while EFS is mounted')
  if (spec.restartDocker) {
    out.push('  --restart-docker: afterwards docker and the ECS agent are restarted on each host; EVERY running container',
      '    on those hosts is stopped, and ECS restarts service tasks (standalone tasks are not restarted)')
  }
  for (const n of spec.notes) out.push(`  note: ${n}`)
  for (const p of plan.instances) {
    out.push('', `${p.instanceId}: ${p.choice.why}`)
    if (p.choice.problem) {
      out.push(`  SKIPPED: ${p.choice.problem}`)
      continue
    }
    for (const l of p.lines) {
      const label = plan.instances.length && p.lines.length > 1 ? ` (${l.method === 'efs' ? 'efs-utils' : 'nfs'})` : ''
      out.push(`  mount${label}: ${l.mountCommand}`)
      if (spec.fstab) out.push(`  fstab${label}: ${l.fstabLine}`)
    }
  }
  const first = plan.instances.find(p => p.command)
  if (opts.showScript && first?.command) {
    out.push('', `Script sent to ${first.instanceId} through SSM (AWS-RunShellScript):`, first.command)
  }
  return `${out.join('\n')}\n`
}

export interface ClusterSelection {
  /** ACTIVE container instances that lack the mount (or whose state is unknown without a probe). */
  targets: string[]
  /** Already mounted at the path from this file system (per the probe): nothing to send. */
  mounted: {instanceId: string; source: string}[]
  /** Not sent, with why (path used by something else, probe could not run). */
  skipped: {instanceId: string; reason: string}[]
  notes: string[]
}

/**
 * What `s.replace(/:.*$/, '')` gives (cut at the first colon of the last line), in linear time: that pattern retries
 * from every colon when a line break follows (100 KB of colons: 10 s).
 */
function beforeLastLineColon(s: string): string {
  const lastLine = Math.max(s.lastIndexOf('\n'), s.lastIndexOf('\r'), s.lastIndexOf('\u2028'), s.lastIndexOf('\u2029')) + 1
  const colon = s.indexOf(':', lastLine)
  return colon === -1 ? s : s.slice(0, colon)
}

/** Picks the container instances `mount --cluster` should act on, from the snapshot's host facts (the probe). */
export function selectForCluster(s: Snapshot, spec: MountSpec): ClusterSelection {
  const out: ClusterSelection = {targets: [], mounted: [], skipped: [], notes: []}
  const active = (s.containerInstances ?? []).filter(ci => ci.status === 'ACTIVE').map(ci => ci.ec2InstanceId)
  const mtIps = new Set((s.mountTargets ?? []).filter(m => m.fileSystemId === spec.fileSystemId).map(m => m.ipAddress))
  if (!s.hostFacts) {
    out.notes.push('no host probe results: every ACTIVE container instance is sent the script (it changes nothing where the mount is already right)')
    out.targets = active
    return out
  }
  for (const id of active) {
    const hf = s.hostFacts[id]
    if (!hf || hf.status !== 'ok' || !hf.facts) {
      out.skipped.push({instanceId: id, reason: `probe could not run (${hf ? `${hf.status}${hf.reason ? `: ${hf.reason}` : ''}` : 'not probed'})`})
      continue
    }
    const m = hf.facts.mounts.filter(x => x.target === spec.path).pop()
    if (!m) {
      out.targets.push(id)
      continue
    }
    const host = beforeLastLineColon(m.source)
    // NOTE: TLS mounts show 127.0.0.1:/; efs-utils' state file (fs-id.mount.path.port) says which file system it is.
    const state = `${spec.fileSystemId}.${spec.path.slice(1).replaceAll('/', '.')}.`
    const ours = host.startsWith(`${spec.fileSystemId}.`) || host === spec.fileSystemId || mtIps.has(host) ||
      (host === '127.0.0.1' && (hf.facts.efsStateFiles ?? []).some(f => f.startsWith(state)))
    const inFstab = hf.facts.fstab.some(e => e.mountPoint === spec.path)
    // NOTE: mounted but not in fstab: send the script anyway, it only adds the fstab line.
    if (ours && (inFstab || !spec.fstab)) out.mounted.push({instanceId: id, source: m.source})
    else if (ours) out.targets.push(id)
    else out.skipped.push({instanceId: id, reason: `${spec.path} is already mounted from ${m.source} (${m.fstype})`})
  }
  return out
}
