/**
 * The UserData script must mount the file system the tasks use — by its id or its EFS DNS name, in the right region,
 * with the right partition DNS suffix (amazonaws.com.cn in China regions). A script copied from another stack mounts
 * a different file system, or none: tasks then write to the instance's root volume and data is silently not shared.
 * A hand-built DNS name with the wrong region or suffix fails at boot with "Failed to resolve server".
 */
import {defineCheck, fail, pass, skipped, unknown} from '../../core/define-check.js'
import type {Fix, Outcome} from '../../core/types.js'
import type {Snapshot, UserData} from '../../model/snapshot.js'
import {at, eachUserData, effectiveMounts, opaqueMount, opaqueWhat, scopeFsIds, snippetCommand, udResource} from '../_lib/user-data-check.js'
import {type Branch, type CfnInitConfig, type DeviceRef, LineRef, lineRef, parseDevice, type ParsedUserData} from '../_lib/user-data.js'
import {shellCommand} from '../../core/shell.js'
import {mountedOnlyElsewhere, mountedPerTask} from '../_lib/usage.js'
import {listCandidates} from '../_lib/cluster-hosts.js'

interface Ref { line: number; device: string; ref: DeviceRef; fsId?: string; mountPoint?: string; origin?: string; fsType?: string; branch?: Branch; order: number; cfnInit?: CfnInitConfig }

const placeholderName = (v: string): string | undefined => /^\$\{?([\w:.]+)\}?$/.exec(v)?.[1]
const isPlaceholder = (v: string | undefined): boolean => !!v && /[$<]/.test(v)

/** Every device the script mounts or writes to fstab, with the fs id it names (an IP resolves via mount targets). */
function refsOf(s: Snapshot, p: ParsedUserData): Ref[] {
  const seen = new Set<string>()
  const out: Ref[] = []
  const add = (order: number, line: number, device: string | undefined, mountPoint?: string, origin?: string, fsType?: string, branch?: Branch, cfnInit?: CfnInitConfig) => {
    if (!device || seen.has(`${line}:${device}`)) return
    seen.add(`${line}:${device}`)
    const ref = parseDevice(device)
    const fsId = ref.fsId ?? (ref.ip ? s.mountTargets?.find(mt => mt.ipAddress === ref.ip)?.fileSystemId : undefined)
    if (fsId || ref.dnsName || ref.ip) out.push({line, device, ref, fsId, mountPoint, origin, fsType, branch, order, ...(cfnInit ? {cfnInit} : {})})
  }
  for (const m of effectiveMounts(p)) add(m.fstab?.order ?? m.call.order, m.fstab ? m.fstab.line : m.call.line, m.device, m.mountPoint, m.fstab?.origin ?? m.call.origin, m.fsType, m.fstab?.branch ?? m.call.branch, (m.fstab ?? m.call).cfnInit)
  for (const e of p.fstab) add(e.order, e.line, e.device, e.mountPoint, e.origin, e.fsType, e.branch, e.cfnInit)
  return out.sort((a, b) => a.line - b.line)
}

/** A live snapshot read the account's file systems (no failed lookup for this id) and this one is not among them. */
function doesNotExist(s: Snapshot, fsId: string): boolean {
  if (s.scope.source !== 'aws' || s.fileSystems === undefined || !/^fs-[0-9a-f]+$/.test(fsId)) return false
  if (s.gaps.some(g => g.part === 'fileSystems' && (!g.resourceIds || g.resourceIds.includes(fsId)))) return false
  return !s.fileSystems.some(f => f.id === fsId)
}

function expectedSuffix(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
}

/** Problems with a hand-built DNS name (wrong region or partition suffix), or undefined. */
function dnsProblem(ref: DeviceRef, scopeRegion: string | undefined): string | undefined {
  if (!ref.dnsName) return undefined
  const region = ref.region && !isPlaceholder(ref.region) ? ref.region : scopeRegion
  if (ref.region && !isPlaceholder(ref.region) && scopeRegion && ref.region !== scopeRegion) {
    return `names region ${ref.region}, but the file system is in ${scopeRegion}`
  }
  if (region && ref.suffix && !isPlaceholder(ref.suffix) && ref.suffix !== expectedSuffix(region)) {
    return `ends in ${ref.suffix}; file systems in ${region} use .${expectedSuffix(region)}`
  }
  return undefined
}

/** A mount by a hand-built DNS name for another region or partition (dnsProblem says which): it does not resolve. */
function wrongDnsName(s: Snapshot, ud: UserData, m: Ref, problem: string, fix: Fix): Outcome {
  return fail(udResource(ud), `${LineRef(m)} of UserData ${ud.id} mounts ${m.fsId ?? m.device} by a DNS name that ${problem}: the name does not resolve and the mount fails.`,
    fix, at(ud, m, {device: m.device, region: s.scope.region}))
}

function evaluate(s: Snapshot, ud: UserData, p: ParsedUserData): Outcome {
  const r = udResource(ud)
  const wanted = scopeFsIds(s)
  const refs = refsOf(s, p)
  const fix = (mp?: string) => ({
    summary: `Mount ${wanted.join(' or ')} (by id with amazon-efs-utils, or by its DNS name) and write it to /etc/fstab; generate the snippet with efsdoctor.`,
    command: snippetCommand(s, {mountPoint: mp}),
  })
  if (refs.length === 0) {
    const script = opaqueMount(p)
    if (script) {
      return unknown(r, `UserData ${ud.id} mounts no EFS file system itself, but ${lineRef(script)} ${opaqueWhat(script, ' (written at boot, e.g. by cfn-init files)')}: it may mount ${wanted.join(' or ')}.`,
        at(ud, script, {script: script.path}))
    }
    const elsewhere = mountedOnlyElsewhere(s, ud.id)
    if (elsewhere) {
      return skipped(r, `UserData ${ud.id} mounts no EFS file system, and nothing needs it to: ${listCandidates(elsewhere, 5)} mount${elsewhere.length > 1 ? '' : 's'} ${wanted.join(', ')}, and no task definition binds a host path. Its instances are not taken for clients of the file system.`,
        at(ud, undefined, {mountedBy: elsewhere}))
    }
    const perTask = mountedPerTask(s, ud.id, wanted)
    if (perTask) {
      return skipped(r, `UserData ${ud.id} mounts no EFS file system, and nothing needs it to: tasks mount ${perTask.join(', ')} through efsVolumeConfiguration (the ECS agent mounts it for each task), and no task definition binds a host path.`,
        at(ud, undefined, {mountedPerTask: perTask}))
    }
    const bad = p.notes.find(n => n.includes('bad substitution'))
    return fail(r, `UserData ${ud.id} mounts no EFS file system (${bad ?? 'no mount command, fstab line or cloud-config mounts: entry'}); ${wanted.join(', ')} is not mounted on its instances.`,
      fix(), at(ud, 1))
  }
  const matching = refs.filter(x => x.fsId && (wanted.includes(x.fsId) || wanted.includes(placeholderName(x.fsId) ?? '')))
  const missing = matching.find(m => doesNotExist(s, m.fsId!))
  if (missing) {
    const where = `${s.scope.accountId ?? 'this account'}/${s.scope.region ?? 'this region'}`
    return fail(r, `${LineRef(missing)} of UserData ${ud.id} mounts ${missing.fsId}: no such file system in ${where}, so the mount fails at boot (\`Failed to resolve\`) and tasks write to the root volume.`,
      {summary: `Point the script at a file system that exists in ${where} (see efs/file-system-exists), or create ${missing.fsId}'s replacement and update the launch template.`,
        command: shellCommand(['aws', 'efs', 'describe-file-systems', '--region', s.scope.region ?? '<region>', '--query', 'FileSystems[].[FileSystemId,Name]', '--output', 'table'])},
      at(ud, missing, {device: missing.device, fileSystemId: missing.fsId, account: s.scope.accountId, region: s.scope.region}))
  }
  for (const m of matching) {
    // NOTE: only the efs mount helper turns a bare `fs-…` into a mount target address; nfs/nfs4 look it up in DNS.
    if (!m.ref.dnsName && !m.ref.ip && m.fsType !== 'efs' && /^fs-[0-9a-f]+$/.test(m.fsId!)) {
      return fail(r, `${LineRef(m)} of UserData ${ud.id} mounts \`${m.device}\` with type ${m.fsType ?? 'nfs (no -t)'}: a bare file-system id is not a host name (only the efs mount helper resolves it), so the mount fails with "Failed to resolve server".`,
        {summary: `Mount with type efs (amazon-efs-utils), or use the DNS name ${m.fsId}.efs.<region>.amazonaws.com.`, command: snippetCommand(s, {mountPoint: m.mountPoint, device: m.device})},
        at(ud, m, {device: m.device, fsType: m.fsType}))
    }
    const problem = dnsProblem(m.ref, s.scope.region)
    if (problem) {
      return wrongDnsName(s, ud, m, problem,
        {summary: 'Build the name as <fs-id>.efs.<region>.<partition DNS suffix>, or mount by file-system id with amazon-efs-utils.', command: snippetCommand(s, {mountPoint: m.mountPoint, device: m.device})})
    }
  }
  // `test -f X && write A || write B`: when the file system in use is only in one arm and the other arm mounts
  // something else, which one the host gets is decided at boot.
  const otherArm = (m: Ref) => refs.find(o => !matching.includes(o) && o.branch?.cond === m.branch?.cond && o.branch?.arm !== m.branch?.arm)
  const alt = matching.every(m => m.branch) ? matching.map(m => ({m, o: otherArm(m)})).find(x => x.o) : undefined
  if (alt?.o) {
    const {m, o} = alt
    return unknown(r, `${LineRef(m)} of UserData ${ud.id} mounts ${m.fsId} only when \`${m.branch!.cond}\` (${lineRef(m.branch!)}) ${m.branch!.arm === 'then' ? 'succeeds' : 'fails'}; otherwise ${lineRef(o)} mounts ${o.fsId ?? o.device}. Which one a host gets is decided at boot, not in the script.`,
      at(ud, m, {device: m.device, alternative: o.device, condition: m.branch!.cond}))
  }
  // Two file systems on one mount point: the one mounted later hides the earlier (mount -a mounts in fstab order).
  const sameArm = (a?: Branch, b?: Branch) => a?.cond === b?.cond && a?.arm === b?.arm
  const shadow = matching.map(m => ({m, o: refs.find(o => o.order > m.order && o.mountPoint && o.mountPoint === m.mountPoint &&
    sameArm(o.branch, m.branch) && (o.fsId ?? o.device) !== m.fsId && !matching.includes(o))})).find(x => x.o)
  if (shadow?.o && matching.every(m => shadow.o!.mountPoint === m.mountPoint)) {
    const {m, o} = shadow
    return fail(r, `${LineRef(m)} of UserData ${ud.id} mounts ${m.fsId} at ${m.mountPoint}, but ${lineRef(o)} mounts ${o.fsId ?? o.device} at the same ${m.mountPoint} after it: the later mount hides ${m.fsId}, so tasks using ${m.mountPoint} see ${o.fsId ?? o.device}.`,
      {summary: `Give each file system its own mount point (or remove the line that mounts ${o.fsId ?? o.device}).`, command: snippetCommand(s, m)},
      at(ud, o, {device: m.device, hiddenBy: o.device, mountPoint: m.mountPoint}))
  }
  // NOTE: a lone script named with several --file-system should mount each (with a cluster's scripts, each host mounts
  // the file systems its tasks use, not every one in scope).
  const unmounted = s.template?.script ? wanted.filter(fsId => !matching.some(m => m.fsId === fsId)) : []
  if (matching.length > 0 && unmounted.length > 0 && !refs.some(x => x.fsId && isPlaceholder(x.fsId))) {
    return fail(r, `UserData ${ud.id} mounts ${[...new Set(matching.map(m => m.fsId))].join(', ')} but not ${unmounted.join(', ')}, which --file-system names.`,
      fix(), at(ud, matching[0], {mounted: [...new Set(matching.map(m => m.fsId))], notMounted: unmounted}))
  }
  if (matching.length > 0) {
    const m = matching[0]
    return pass(r, `${LineRef(m)} of UserData ${ud.id} mounts ${m.fsId} (\`${m.device}\`${m.mountPoint ? ` at ${m.mountPoint}` : ''}${m.origin ? `; ${m.origin}` : ''}).`,
      at(ud, m, {device: m.device, ...(m.origin ? {origin: m.origin} : {})}))
  }
  const unresolved = refs.find(x => x.fsId && isPlaceholder(x.fsId))
  if (unresolved) {
    return unknown(r, `${LineRef(unresolved)} of UserData ${ud.id} mounts ${unresolved.device}; the file-system id is an unresolved value, so it cannot be compared with ${wanted.join(', ')}.`,
      at(ud, unresolved, {device: unresolved.device}))
  }
  const other = refs[0]
  // NOTE: an address is some file system's mount target only if we know every mount-target address of the wanted
  // ones (a live snapshot does; a template or a lone script does not): otherwise which file system it serves is open.
  const ipsKnown = wanted.every(fsId => (s.mountTargets ?? []).some(mt => mt.fileSystemId === fsId && (mt.ipAddress || mt.ipv6Address)))
  if (!other.fsId && other.ref.ip && !ipsKnown) {
    return unknown(r, `${LineRef(other)} of UserData ${ud.id} mounts by the address ${other.ref.ip}; which file system that address serves is not known here (no mount-target addresses of ${wanted.join(', ')}), so it cannot be compared.`,
      at(ud, other, {device: other.device}))
  }
  const what = other.fsId ?? other.ref.dnsName ?? other.ref.ip
  return fail(r, `${LineRef(other)} of UserData ${ud.id} mounts ${what}, not ${wanted.join(' or ')}: tasks on these instances do not see the shared file system.`,
    fix(), at(ud, other, {device: other.device, mounted: [...new Set(refs.map(x => x.fsId ?? x.device))]}))
}

export const mountsEfs = defineCheck({
  id: 'userdata/mounts-efs',
  title: 'UserData mounts the file system in use, with the right id, region and DNS suffix',
  severity: 'error',
  description: 'A script that mounts another file system, or none, leaves the host path on the root volume: tasks run but data is not shared. A hand-built DNS name with the wrong region or partition suffix fails to resolve at boot.',
  remediation: 'Mount the file system the tasks use, by id (amazon-efs-utils) or by its DNS name, and persist it in /etc/fstab.',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/mounting-fs-mount-helper-ec2-linux.html',
  needs: ['userData'],
  run(s) {
    if (scopeFsIds(s).length === 0) {
      // NOTE: a script that mounts something cannot be judged without the file system it should mount: unknown.
      return eachUserData(s, (ud, p) => {
        // NOTE: a hand-built name for another region (or partition) fails whatever file system it names.
        const wrong = refsOf(s, p).map(x => ({x, problem: dnsProblem(x.ref, s.scope.region)})).find(y => y.problem)
        if (wrong) {
          return [wrongDnsName(s, ud, wrong.x, wrong.problem!,
            {summary: 'Build the name as <fs-id>.efs.<region>.<partition DNS suffix> (in a template: ${AWS::Region} and ${AWS::URLSuffix}), or mount by file-system id with amazon-efs-utils.'})]
        }
        const m = effectiveMounts(p)[0]
        return [m
          ? unknown(udResource(ud), `${LineRef(m.fstab ?? m.call)} of UserData ${ud.id} mounts ${m.device ?? m.mountPoint ?? 'a file system'}, but no file system is in scope to compare it with (${s.template?.script ? 'name the one it should mount with --file-system' : /\bfs-[0-9a-f]{8,40}\b/.test(m.device ?? '') ? 'the template declares no AWS::EFS::FileSystem: the id is used as it is written' : 'the template names it by a parameter or import'}).`, at(ud, m.fstab ?? m.call))
          : skipped(udResource(ud), 'No file system in scope to compare the UserData mounts with.', at(ud, undefined))]
      })
    }
    return eachUserData(s, (ud, p) => [evaluate(s, ud, p)])
  },
})
