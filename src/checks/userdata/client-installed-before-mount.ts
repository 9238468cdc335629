/**
 * The NFS client (nfs-utils / nfs-common) or amazon-efs-utils must be installed before the first mount runs. A mount
 * of type `efs` without amazon-efs-utils fails with "unknown filesystem type 'efs'"; an NFS mount without the client
 * fails with "bad option … need a /sbin/mount.<type> helper". The package being present on a host today does not
 * prove the boot-time order: cloud-config `mounts:` run in cloud-init's init stage, before `packages:` are installed.
 */
import {defineCheck, fail, pass, skipped} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import type {Snapshot, UserData} from '../../model/snapshot.js'
import {at, eachUserData, effectiveMounts, nfsMountCalls, snippetCommand, udResource} from '../_lib/user-data-check.js'
import type {ParsedUserData} from '../_lib/user-data.js'

const EFS_UTILS = /amazon-efs-utils/
const NFS_CLIENT = /^(nfs-utils|nfs-common)$|amazon-efs-utils/
const AMI_NOTE = 'ECS-optimized AMIs ship nfs-utils but not amazon-efs-utils'

function evaluate(s: Snapshot, ud: UserData, p: ParsedUserData): Outcome {
  const r = udResource(ud)
  const first = nfsMountCalls(p)[0]
  if (!first) return skipped(r, `UserData ${ud.id} mounts no EFS/NFS file system (see userdata/mounts-efs).`, at(ud, undefined))
  const types = new Set(effectiveMounts(p).filter(m => m.call === first).map(m => m.fsType ?? 'nfs4'))
  if (first.fsType) for (const t of first.fsType.split(',')) types.add(t)
  const needsEfsUtils = types.has('efs')
  const want = needsEfsUtils ? EFS_UTILS : NFS_CLIENT
  const pkgName = needsEfsUtils ? 'amazon-efs-utils' : 'nfs-utils (or nfs-common, or amazon-efs-utils)'
  const installs = p.installs.filter(i => i.packages.some(x => want.test(x)))
  const before = installs.find(i => i.order < first.order)
  const ev = {firstMountLine: first.line, mountType: [...types], installLines: installs.map(i => i.line)}
  const fixCmd = snippetCommand(s, first.mountPoint)
  if (before) {
    return pass(r, `Line ${before.line} installs ${before.packages.filter(x => want.test(x)).join(', ')} before the first mount on line ${first.line}.`,
      at(ud, first.line, ev))
  }
  const after = installs[0]
  if (after) {
    const why = first.stage === 'init' && after.stage === 'packages'
      ? ' (cloud-init runs the mounts: module in its init stage, before packages: are installed in the final stage)'
      : ''
    return fail(r, `The first mount (line ${first.line}) runs before ${pkgName} is installed on line ${after.line}${why}: the first boot's mount fails${needsEfsUtils ? ' with "unknown filesystem type \'efs\'"' : ''}.`,
      {summary: `Install ${needsEfsUtils ? 'amazon-efs-utils' : 'the NFS client'} before mounting (or mount from runcmd/the script after the install).`, command: fixCmd},
      {...at(ud, first.line, ev), severity: needsEfsUtils ? 'error' : 'warning'})
  }
  if (needsEfsUtils) {
    return fail(r, `Line ${first.line} mounts with type efs, but UserData ${ud.id} never installs amazon-efs-utils; ${AMI_NOTE}, so unless your AMI has it baked in the mount fails with "unknown filesystem type 'efs'".`,
      {summary: 'Install amazon-efs-utils before the mount (yum/dnf install -y amazon-efs-utils), or bake it into the AMI.', command: fixCmd},
      at(ud, first.line, ev))
  }
  return fail(r, `Line ${first.line} mounts over NFS, but UserData ${ud.id} never installs nfs-utils/nfs-common; ${AMI_NOTE}, so this works there but fails on minimal AMIs.`,
    {summary: 'Install nfs-utils (Amazon Linux) or nfs-common (Debian/Ubuntu) before the mount, unless the AMI is known to ship it.', command: fixCmd},
    {...at(ud, first.line, ev), severity: 'warning'})
}

export const clientInstalledBeforeMount = defineCheck({
  id: 'userdata/client-installed-before-mount',
  title: 'The NFS/EFS client is installed before the first mount in UserData',
  severity: 'error',
  description: 'Mounting before amazon-efs-utils (type efs) or nfs-utils/nfs-common (type nfs4) is installed fails on first boot with "unknown filesystem type \'efs\'" or a missing mount helper.',
  remediation: 'Install the client package before the first mount line (ECS-optimized AMIs ship nfs-utils, not amazon-efs-utils).',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/installing-amazon-efs-utils.html',
  needs: ['userData'],
  run: s => eachUserData(s, (ud, p) => [evaluate(s, ud, p)]),
})
