/** Shared plumbing for the userdata/* checks: one outcome set per distinct script, resource/location/evidence. */
import type {Location, Outcome, Resource} from '../../core/types.js'
import type {Snapshot, UserData} from '../../model/snapshot.js'
import {FS_ID_RE} from '../../model/ids.js'
import {skipped, unknown} from '../../core/define-check.js'
import {type CfnInitConfig, type FstabEntry, lineRef, type MountCall, parseDevice, parseUd, type ParsedUserData} from './user-data.js'
import {shellCommand} from '../../core/shell.js'

export const udResource = (ud: UserData): Resource => ({type: 'user-data', id: ud.id})

/** `line` is the line in the decoded script; a template's file and logical id are kept. */
export function udLocation(ud: UserData, line?: number): Location {
  const loc: Location = {}
  if (line !== undefined) loc.line = line
  if (ud.location?.file) loc.file = ud.location.file
  if (ud.location?.logicalId) loc.logicalId = ud.location.logicalId
  return loc
}

export function udEvidence(ud: UserData, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    userData: ud.id,
    source: ud.source,
    instances: ud.instanceIds.slice(0, 5),
    instanceCount: ud.instanceIds.length,
    ...extra,
  }
}

/**
 * Extra fields for an outcome about one line of a script: `where` is the line, or the step (a step cfn-init runs
 * carries its config in the evidence, so lint points at the config in the template: locate.ts).
 */
export function at(ud: UserData, where: number | {line: number; cfnInit?: CfnInitConfig} | undefined, evidence: Record<string, unknown> = {}): {location?: Location; evidence: Record<string, unknown>} {
  const step = typeof where === 'object' ? where : undefined
  const location = udLocation(ud, typeof where === 'object' ? where.line : where)
  const ev = udEvidence(ud, step?.cfnInit ? {...evidence, cfnInit: step.cfnInit} : evidence)
  return Object.keys(location).length ? {location, evidence: ev} : {evidence: ev}
}

/** Run `fn` for each distinct script; a script with no readable text is `unknown`. */
export function eachUserData(s: Snapshot, fn: (ud: UserData, parsed: ParsedUserData) => Outcome[]): Outcome[] {
  const out: Outcome[] = []
  for (const ud of s.userData ?? []) {
    if (!ud.text?.trim()) {
      out.push(unknown(udResource(ud), `No UserData readable for ${ud.source.type} ${ud.source.id}: the text is empty.`, at(ud, undefined)))
      continue
    }
    const parsed = parseUd(ud)
    if (parsed.unreadable) {
      out.push(unknown(udResource(ud), `UserData ${ud.id} could not be read: ${parsed.unreadable}.`, at(ud, undefined, {unreadable: parsed.unreadable})))
      continue
    }
    if (parsed.format === 'include' || (parsed.parts.length > 0 && parsed.parts.every(x => x.format === 'include'))) {
      out.push(unknown(udResource(ud), `UserData ${ud.id} is an #include list: cloud-init fetches the real script from URLs, which efsdoctor does not read.`, at(ud, 1)))
      continue
    }
    out.push(...fn(ud, parsed))
  }
  return out
}

export const scopeFsIds = (s: Snapshot): string[] => s.scope.fileSystems.map(f => f.id)

/** The mount a snippet replaces: where, what, and as which type with which options (all optional). */
export interface SnippetMount {
  mountPoint?: string
  device?: string
  fsType?: string
  options?: readonly string[]
}

/**
 * The template parameter or resource a mount's device names as its file-system id: `${Fs}` in `${Fs}:/` (efs-utils)
 * or before `.efs.` in a DNS name (`$az.${Fs}.efs.eu-west-1.amazonaws.com:/`). Not a bare `${X}:/` mounted as nfs:
 * NFS needs a host name there, so X holds a DNS name or an address (`${ElasticFileSystemDnsName}`), not an id.
 */
function deviceFileSystemRef(device: string | undefined, nfs: boolean): string | undefined {
  if (!device) return undefined
  const d = parseDevice(device)
  const id = d.fsId?.match(/^\$\{([A-Za-z][A-Za-z0-9]*)\}$/)?.[1]
  if (id === undefined || (nfs && !d.dnsName)) return undefined
  return id
}

/**
 * The fix everyone should copy: the generated, known-good snippet, for the mount being fixed. It keeps what that
 * mount chose: the NFS client (`--method nfs`) when it mounts nfs/nfs4, and TLS, IAM and the access point when its
 * efs options ask for them (a policy that denies insecure transport refuses a snippet without TLS). In lint, when no
 * file system is in scope, the mount's `${Name}` (a parameter or resource of the template) is what it takes; with
 * nothing to name, no command.
 */
export function snippetCommand(s: Snapshot, mount: SnippetMount = {}): string | undefined {
  const fs = scopeFsIds(s)[0]
  const path = mount.mountPoint ?? '/mnt/efs'
  const nfs = mount.fsType !== undefined && /^nfs4?$/.test(mount.fsType)
  const opts = mount.options ?? []
  const accessPoint = opts.find(o => o.startsWith('accesspoint='))?.slice('accesspoint='.length)
  const method = nfs ? ['--method', 'nfs'] : [
    ...(opts.includes('tls') ? ['--tls'] : []), ...(opts.includes('iam') ? ['--iam'] : []),
    ...(accessPoint ? ['--access-point', accessPoint] : []),
  ]
  // NOTE: a file-system id the mount itself spells out (`fs-0123….efs.eu-west-1.amazonaws.com:/`) when none is in scope.
  const literal = mount.device?.match(/\bfs-[0-9a-f]{8,40}\b/)?.[0]
  // NOTE: in lint of a template the file system is a template resource (a logical id, not fs-…), or none is in scope:
  // the hint that works when pasted is the CloudFormation form, which takes `${Logical}` and lets Fn::Sub fill in the
  // id; without one, the id or the name the mount itself uses (`${ElasticFileSystem}.efs.…`). A lone script
  // (Terraform, a console launch template) gets the plain script.
  if (s.scope.source === 'template' && !s.template?.script && (fs === undefined || (!FS_ID_RE.test(fs) && /^[A-Za-z][A-Za-z0-9]*$/.test(fs)))) {
    const ref = fs ?? deviceFileSystemRef(mount.device, nfs)
    // NOTE: nothing names the file system (or the name is a host name, not an id): no command, rather than one that
    // names a parameter the template does not have.
    if (ref === undefined && literal === undefined) return undefined
    const fileSystem = ref !== undefined ? `\${${ref}}` : literal!
    return shellCommand(['efsdoctor', 'userdata', '--format', 'cfn-yaml', '--file-system', fileSystem, '--path', path, ...method])
  }
  const id = fs ?? literal
  // NOTE: no id to give (a lone script that names none, without --file-system): no command, rather than one that fails
  // when pasted; the summary still says what to change.
  if (id === undefined) return undefined
  return shellCommand(['efsdoctor', 'userdata', '--file-system', id, '--path', path, ...method])
}

/**
 * A local script the UserData runs (`/tmp/efs-add-storage.sh …`, `bash ./setup.sh`, a cloud-config runcmd item), whose
 * text efsdoctor does not have: it may mount the file system, so "mounts none" would be a guess. A script the UserData
 * itself wrote and runs was read where it runs (ParsedUserData.readScripts): what it mounts is already counted.
 */
export function runsLocalScript(p: ParsedUserData): {line: number; path: string} | undefined {
  const lines = p.text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(?:- +)?(?:sudo +)?(?:(?:bash|sh|source|\.) +)?((?:\/|\.\/)[\w./-]+)/.exec(lines[i])
    if (m && m[1].endsWith('.sh') && !p.readScripts.includes(m[1])) return {line: i + 1, path: m[1]}
  }
  return undefined
}

/** A systemd mount unit the script writes or starts (`mnt-efs.mount`): a mount efsdoctor does not read. */
export function systemdMountUnit(p: ParsedUserData): {line: number; path: string; unit: true} | undefined {
  const lines = p.text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /\/etc\/systemd\/system\/([\w@.\\-]+\.mount)\b/.exec(lines[i]) ?? /\bsystemctl\b.*?\b(?:enable|start|restart)\b.*?([\w@.\\-]+\.mount)\b/.exec(lines[i])
    if (m) return {line: i + 1, path: `the systemd mount unit ${m[1]}`, unit: true}
  }
  return undefined
}

/**
 * `mount -a` in a script that writes no NFS/EFS fstab line of its own: it mounts what the image's /etc/fstab lists (an
 * AMI baked with Packer, say), which efsdoctor cannot see. `mount -a -t ext4` and the like are not counted.
 */
export function mountsImageFstab(p: ParsedUserData): {line: number; path: string; image: true} | undefined {
  if (p.fstab.some(e => NFS_TYPES.test(e.fsType))) return undefined
  const all = p.mounts.find(m => m.kind === 'all' && (m.fsType === undefined || NFS_TYPES.test(m.fsType)))
  return all ? {line: all.line, path: "the image's /etc/fstab", image: true} : undefined
}

/** What a script may mount through that efsdoctor cannot see: a local script it runs, a systemd mount unit, or `mount -a` of the image's fstab. */
export type OpaqueMount = {line: number; path: string; unit?: true; image?: true}
export const opaqueMount = (p: ParsedUserData): OpaqueMount | undefined => runsLocalScript(p) ?? systemdMountUnit(p) ?? mountsImageFstab(p)

/** "runs /x.sh, which efsdoctor cannot read", and the like: what the UserData does that efsdoctor cannot follow. */
export function opaqueWhat(o: OpaqueMount, why = ''): string {
  if (o.image) return "runs `mount -a` without writing an fstab line of its own, so it mounts what the image's /etc/fstab lists, which efsdoctor cannot see"
  return `${o.unit ? 'sets up' : 'runs'} ${o.path}, which efsdoctor cannot read${o.unit ? '' : why}`
}

/**
 * What the checks that judge a script's mounts say when it has none they can see: skipped, or unknown when it runs a
 * local script or a systemd mount unit efsdoctor cannot read (the mount may be there; userdata/mounts-efs says which).
 */
export function noVisibleMount(ud: UserData, p: ParsedUserData): Outcome {
  const script = opaqueMount(p)
  return script
    ? unknown(udResource(ud), `UserData ${ud.id} has no mount of its own, but ${lineRef(script)} ${opaqueWhat(script)}: its mounts are not judged (see userdata/mounts-efs).`, at(ud, script, {script: script.path}))
    : skipped(udResource(ud), `UserData ${ud.id} mounts no EFS/NFS file system (see userdata/mounts-efs).`, at(ud, undefined))
}

export const NFS_TYPES = /^(efs|nfs4?|nfs)$/

/** What a mount step mounts: itself, or the fstab entries `mount -a` / `mount <mp>` pick up (written before it). */
export interface EffectiveMount {
  call: MountCall
  fsType?: string
  device?: string
  mountPoint?: string
  options: string[]
  fstab?: FstabEntry
}

export function effectiveMounts(p: ParsedUserData): EffectiveMount[] {
  const out: EffectiveMount[] = []
  for (const call of p.mounts) {
    if (call.kind === 'all') {
      const types = call.fsType?.split(',')
      for (const e of p.fstab) {
        if (e.order < call.order && (!types || types.includes(e.fsType))) {
          out.push({call, fsType: e.fsType, device: e.device, mountPoint: e.mountPoint, options: e.options, fstab: e})
        }
      }
    } else if (!call.device && call.mountPoint) {
      const e = p.fstab.find(x => x.mountPoint === call.mountPoint && x.order < call.order)
      if (e) out.push({call, fsType: e.fsType, device: e.device, mountPoint: e.mountPoint, options: e.options, fstab: e})
    } else {
      out.push({call, fsType: call.fsType, device: call.device, mountPoint: call.mountPoint, options: call.options})
    }
  }
  return out.filter(isNfsMount)
}

/** An NFS/EFS mount: by type, or (no -t) by a remote device such as `fs-…:/`, `host:/path` or an EFS DNS name. */
function isNfsMount(m: EffectiveMount): boolean {
  if (m.fsType) return m.fsType.split(',').some(t => NFS_TYPES.test(t))
  if (!m.device) return false
  const d = parseDevice(m.device)
  return Boolean(d.fsId || d.ip || d.dnsName?.includes('.efs.') || /^[^/][^:]*:\//.test(m.device))
}

/** Mount steps that mount EFS/NFS (for ordering checks), in boot order; a `mount -a` before any fstab write is not one. */
export function nfsMountCalls(p: ParsedUserData): MountCall[] {
  const effective = new Set(effectiveMounts(p).map(m => m.call))
  return p.mounts.filter(m => effective.has(m))
}

/** Where the userdata checks' policy comes from (docs/checks.md renders each check's `policy` with these). */
export const SOURCES = {
  systemdMount: 'systemd.mount(5), fstab options `_netdev` and `nofail`, https://www.freedesktop.org/software/systemd/man/latest/systemd.mount.html',
  efsAutomount: 'Amazon EFS User Guide, "Automatically mounting EFS file systems", https://docs.aws.amazon.com/efs/latest/ug/nfs-automount-efs.html',
  efsInstall: 'Amazon EFS User Guide, "Installing the Amazon EFS client", https://docs.aws.amazon.com/efs/latest/ug/installing-amazon-efs-utils.html',
  ecsAmi: 'aws/amazon-ecs-ami, scripts/append-efs-client-info.sh (the ECS-optimized AL2/AL2023 build configures the amazon-efs-utils it installs)',
  ecsBootstrap: 'Amazon ECS Developer Guide, "Bootstrapping container instances with Amazon EC2 user data", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bootstrap_container_instance.html',
  cloudInitFormats: 'canonical/cloud-init, doc/rtd/explanation/format.rst ("User data script: begins with #!")',
  cloudInitMime: 'canonical/cloud-init, cloudinit/user_data.py `convert_string` (Python\'s email parser: the headers end at the first blank line; a missing closing boundary keeps the last part)',
} as const
