/**
 * The NFS client (nfs-utils / nfs-common) or amazon-efs-utils must be installed before the first mount runs. A mount
 * of type `efs` without amazon-efs-utils fails with "unknown filesystem type 'efs'"; an NFS mount without the client
 * fails with "bad option … need a /sbin/mount.<type> helper". The package being present on a host today does not
 * prove the boot-time order: cloud-config `mounts:` run in cloud-init's init stage, before `packages:` are installed.
 */
import {defineCheck, fail, pass, skipped, unknown} from '../../core/define-check.js'
import {IMAGE_LABEL, imageShips, isDebianFamily} from '../../core/images.js'
import type {Outcome} from '../../core/types.js'
import type {ImageKind, Snapshot, UserData} from '../../model/snapshot.js'
import {at, eachUserData, effectiveMounts, nfsMountCalls, noVisibleMount, snippetCommand, SOURCES, udResource} from '../_lib/user-data-check.js'
import {type Branch, LineRef, lineRef, type PackageInstall, type ParsedUserData} from '../_lib/user-data.js'

const EFS_UTILS = /^amazon-efs-utils/
const NFS_CLIENT = /^(nfs-utils|nfs-common)$|^amazon-efs-utils/
const APT = /^(apt|apt-get|dpkg)$/

/** An install that cannot work on the image: apt of amazon-efs-utils (not in the archive) or of nfs-utils (an RPM name). */
function wrongForImage(i: PackageInstall, pkg: string, kind: ImageKind): string | undefined {
  if (!isDebianFamily(kind)) return undefined
  if (pkg === 'nfs-utils') return `"nfs-utils" is not a ${IMAGE_LABEL[kind]} package (its NFS client is nfs-common)`
  if (EFS_UTILS.test(pkg) && APT.test(i.manager)) return `amazon-efs-utils is not in the ${IMAGE_LABEL[kind]} archive (it is built from source as a .deb)`
  return undefined
}

function evaluate(s: Snapshot, ud: UserData, p: ParsedUserData): Outcome {
  const r = udResource(ud)
  const first = nfsMountCalls(p)[0]
  if (!first) return noVisibleMount(ud, p)
  // NOTE: an entry written only when the script has just seen the efs helper (`test -f /sbin/mount.efs && …`) needs
  // no install; `mount -a -t efs,nfs4` filters fstab by type and needs only the helpers of the entries it mounts.
  const guarded = (b?: Branch) => b?.arm === 'then' && /mount\.efs|amazon-efs-utils/.test(b.cond)
  const types = new Set(effectiveMounts(p).filter(m => m.call === first && !guarded(m.fstab?.branch ?? m.call.branch)).map(m => m.fsType ?? 'nfs4'))
  if (first.fsType && first.kind !== 'all') for (const t of first.fsType.split(',')) types.add(t)
  const needsEfsUtils = types.has('efs')
  const want = needsEfsUtils ? EFS_UTILS : NFS_CLIENT
  const pkgName = needsEfsUtils ? 'amazon-efs-utils' : 'nfs-utils (or nfs-common, or amazon-efs-utils)'
  const kind: ImageKind = ud.image?.kind ?? 'unknown'
  const image = `${IMAGE_LABEL[kind]}${ud.image?.name ? ` (${ud.image.name})` : ''}`
  const ships = needsEfsUtils ? imageShips(kind, 'amazon-efs-utils')
    : [imageShips(kind, 'nfs-utils'), imageShips(kind, 'nfs-common'), imageShips(kind, 'amazon-efs-utils')].reduce((a, b) => a === true || b === true ? true : a === undefined || b === undefined ? undefined : false)
  const installs = p.installs.filter(i => i.packages.some(x => want.test(x)))
  const pkgOf = (i: PackageInstall) => i.packages.find(x => want.test(x))!
  const usable = installs.filter(i => !wrongForImage(i, pkgOf(i), kind))
  const before = usable.find(i => i.order < first.order)
  const ev = {firstMountLine: first.line, mountType: [...types], installLines: installs.map(i => i.line), image: kind}
  const fixCmd = snippetCommand(s, first)
  const fix = {summary: `Install ${needsEfsUtils ? 'amazon-efs-utils' : 'the NFS client (nfs-utils; nfs-common on Ubuntu/Debian)'} before the first mount (or mount from runcmd/the script after the install).`, command: fixCmd}
  if (before) {
    // NOTE: apt of amazon-efs-utils on an image we cannot name may work (a custom repository or image); unknown.
    if (APT.test(before.manager) && EFS_UTILS.test(pkgOf(before)) && kind === 'unknown') {
      return unknown(r, `${LineRef(before)} installs amazon-efs-utils with ${before.manager}; it is not in Ubuntu's or Debian's archive, and whether this image carries it is not known.`, at(ud, before, ev))
    }
    // NOTE: one line can do both (cfn-init runs a config's packages, then its commands): say it once.
    const where = lineRef(before) === lineRef(first) ? 'before it mounts' : `before the first mount on ${lineRef(first)}`
    return pass(r, `${LineRef(before)} installs ${pkgOf(before)} ${where}.`, at(ud, first, ev))
  }
  if (ships === true) return pass(r, `The first mount (${lineRef(first)}) needs ${pkgName}; ${image} ships it.`, at(ud, first, ev))
  const wrong = installs.find(i => wrongForImage(i, pkgOf(i), kind))
  if (wrong) {
    return fail(r, `${LineRef(wrong)} installs ${pkgOf(wrong)}, but ${wrongForImage(wrong, pkgOf(wrong), kind)}: the install fails and the mount on ${lineRef(first)} fails${needsEfsUtils ? ' with "unknown filesystem type \'efs\'"' : ''}.`,
      fix, at(ud, wrong, ev))
  }
  const after = usable[0]
  // NOTE: a mount retried after the install (cloud-config's mounts: entry in the init stage, then `mount -a -t efs` in
  // runcmd) mounts the file system before the agent starts: the early attempt fails harmlessly.
  const again = after && nfsMountCalls(p).find(m => m.order > after.order && (m.kind === 'all' || (first.mountPoint !== undefined && m.mountPoint === first.mountPoint)))
  if (after && again) {
    return pass(r, `The first mount (${lineRef(first)}) runs before ${pkgName} is installed on ${lineRef(after)} and fails, but ${lineRef(again)} mounts again after the install.`,
      at(ud, again, {...ev, retriedAt: again.line}))
  }
  if (after) {
    const why = first.stage === 'init' && after.stage === 'packages'
      ? ' (cloud-init runs the mounts: module in its init stage, before packages: are installed in the final stage)'
      : ''
    // NOTE: on an image that may ship the client (not known) the late install may be a harmless no-op: unknown, as
    // for a script that never installs it (a false error taught people to ignore this check).
    if (ships === undefined) {
      return unknown(r, `The first mount (${lineRef(first)}) runs before ${pkgName} is installed on ${lineRef(after)}${why}; whether that matters is not known (${kind === 'unknown' ? 'the image is not known' : image}): on an image that ships it (ECS-optimized Amazon Linux 2/2023 ship amazon-efs-utils) the late install is harmless, on one that does not the first boot's mount fails and tasks write to the local disk.`,
        at(ud, first, ev))
    }
    // The first boot's mount fails, the ECS agent starts anyway, and tasks write to the local disk.
    const severity = 'error'
    return fail(r, `The first mount (${lineRef(first)}) runs before ${pkgName} is installed on ${lineRef(after)}${why}: on ${image} the first boot's mount fails${needsEfsUtils ? ' with "unknown filesystem type \'efs\'"' : ''}, the ECS agent starts anyway and tasks write to the local disk.`,
      fix, {...at(ud, first, ev), severity})
  }
  if (ships === false) {
    return fail(r, `${LineRef(first)} mounts ${needsEfsUtils ? 'with type efs' : 'over NFS'}, but UserData ${ud.id} never installs ${pkgName}, and ${image} does not ship it: the mount fails.`, fix, at(ud, first, ev))
  }
  return unknown(r, `${LineRef(first)} mounts ${needsEfsUtils ? 'with type efs' : 'over NFS'} and UserData ${ud.id} never installs ${pkgName}; whether the image ships it is not known (${kind === 'unknown' ? 'the image is not known' : image}). ECS-optimized Amazon Linux 2/2023 AMIs ship amazon-efs-utils; plain Amazon Linux 2/2023, Ubuntu and Debian do not.`,
    at(ud, first, ev))
}

export const clientInstalledBeforeMount = defineCheck({
  id: 'userdata/client-installed-before-mount',
  title: 'The NFS/EFS client is installed before the first mount in UserData',
  severity: 'error',
  policy: [
    {rule: 'The client installed only after the first mount, on an image that lacks it → fail, **error**: the first boot\'s mount fails, the ECS agent starts anyway and tasks write to local disk; **unknown** when the image is not known (on one that ships the client the late install is harmless)', source: `${SOURCES.efsInstall}; ${SOURCES.ecsAmi}`},
    {rule: 'Never installed: pass when the image ships it (ECS-optimized Amazon Linux 2/2023: amazon-efs-utils and nfs-utils; ECS-optimized Amazon Linux 1: nfs-utils), error when it does not (Ubuntu/Debian: nfs-common is a separate package; amazon-efs-utils is not in their archive), **unknown** when the image is not known — never fail', source: `${SOURCES.efsInstall}; ${SOURCES.ecsAmi}`},
  ],
  description: 'Mounting before amazon-efs-utils (type efs) or nfs-utils/nfs-common (type nfs4) is installed fails on first boot with "unknown filesystem type \'efs\'" or a missing mount helper.',
  remediation: 'Install the client package before the first mount line (ECS-optimized AL2/AL2023 AMIs ship amazon-efs-utils and nfs-utils; Ubuntu/Debian need nfs-common).',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/installing-amazon-efs-utils.html',
  needs: ['userData'],
  run: s => eachUserData(s, (ud, p) => [evaluate(s, ud, p)]),
})
