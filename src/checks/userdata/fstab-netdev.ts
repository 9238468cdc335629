/**
 * UserData runs once, on first boot: a mount that is not also written to /etc/fstab is gone after a reboot, and tasks
 * silently write to the root volume. An `efs` entry needs `_netdev`: systemd does not know the type `efs` is a network
 * file system, so without it the mount is tried before the network is up and amazon-efs-utils prints a hint and exits 0
 * (a silent failure). `nfs` and `nfs4` entries do not: systemd (and Amazon Linux 1's netfs) take those types for
 * network mounts and order them after the network whatever the options (a false error in real templates before
 * efsdoctor knew it); the fix still writes `_netdev`, as AWS's guide does. `nofail` is recommended so
 * an EFS outage does not stop the instance from booting. NFS (`nfs4`) entries should use the EFS-recommended options:
 * `soft` can corrupt data on timeouts, and without `noresvport` the client does not reconnect after a network event.
 */
import {defineCheck, fail, pass, skipped} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import type {Snapshot, UserData} from '../../model/snapshot.js'
import {at, eachUserData, NFS_TYPES, nfsMountCalls, noVisibleMount, snippetCommand, SOURCES, udResource} from '../_lib/user-data-check.js'
import {type FstabEntry, LineRef, lineRef, optionMap, type ParsedUserData} from '../_lib/user-data.js'

export const EFS_NFS_OPTIONS = 'nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport'

interface Problem { entry: FstabEntry; level: 'error' | 'warning'; text: string }

/** fstab types that systemd and Amazon Linux 1's netfs mount after the network by their type alone (no _netdev needed). */
const NETWORK_BY_TYPE: ReadonlySet<string> = new Set(['nfs', 'nfs4'])

function nfsOptionProblems(options: string[]): string[] {
  const o = optionMap(options)
  const out: string[] = []
  if (o.has('soft')) out.push('uses `soft` (I/O errors and possible corruption on timeouts; use `hard`)')
  if (!o.has('noresvport')) out.push('lacks `noresvport` (the client does not reconnect after a network interruption)')
  const vers = o.get('nfsvers') ?? o.get('vers')
  if (vers !== undefined && vers !== '4.1' && vers !== '4.0' && vers !== '4') out.push(`uses nfsvers=${vers} (EFS needs NFSv4.0 or 4.1)`)
  const missing = ['rsize', 'wsize', 'timeo', 'retrans'].filter(k => !o.has(k))
  if (vers === undefined) missing.unshift('nfsvers')
  if (!o.has('hard') && !o.has('soft')) missing.push('hard')
  if (missing.length) out.push(`misses recommended ${missing.join(', ')}`)
  return out
}

function evaluate(s: Snapshot, ud: UserData, p: ParsedUserData): Outcome {
  const r = udResource(ud)
  const entries = p.fstab.filter(e => NFS_TYPES.test(e.fsType))
  const mounts = nfsMountCalls(p)
  if (entries.length === 0 && mounts.length === 0) {
    return noVisibleMount(ud, p)
  }
  if (entries.length === 0) {
    const m = mounts[0]
    return fail(r, `${LineRef(m)} mounts ${m.device ?? m.mountPoint ?? 'EFS'} but UserData ${ud.id} writes no /etc/fstab entry: UserData runs only on first boot, so the mount is gone after a reboot.`,
      {summary: 'Append a grep-guarded fstab line with _netdev,nofail (and mount it with `mount <mount point>`).', command: snippetCommand(s, m)},
      at(ud, m))
  }
  const problems: Problem[] = []
  for (const e of entries) {
    const o = optionMap(e.options)
    // NOTE: systemd-fstab-generator (fstype_is_network) and netfs take nfs and nfs4 for network mounts by their type.
    if (!o.has('_netdev') && !NETWORK_BY_TYPE.has(e.fsType)) {
      problems.push({entry: e, level: 'error', text: `the fstab entry for ${e.mountPoint} on ${lineRef(e)} lacks _netdev: systemd does not know type ${e.fsType} is a network file system, so it mounts before the network is up${e.fsType === 'efs' ? ', and amazon-efs-utils skips the mount and exits 0' : ''}`})
    }
    if (!o.has('nofail')) {
      const al1 = ud.image?.kind === 'al1' || ud.image?.kind === 'ecs-al1'
      problems.push({entry: e, level: 'warning', text: `the fstab entry for ${e.mountPoint} on ${lineRef(e)} lacks nofail: ${al1
        ? 'on Amazon Linux 1 (sysvinit) the netfs init script mounts it at boot and waits for it, and nofail does not change that'
        : 'under systemd a mount that fails delays the boot (it waits out its timeout) and fails remote-fs.target, though the boot goes on'}`})
    }
    if (e.fsType !== 'efs') {
      for (const t of nfsOptionProblems(e.options)) problems.push({entry: e, level: 'warning', text: `the ${e.fsType} entry on ${lineRef(e)} ${t}`})
    }
  }
  const ev = {entries: entries.map(e => ({line: e.line, device: e.device, mountPoint: e.mountPoint, fsType: e.fsType, options: e.options.join(',')}))}
  if (problems.length === 0) {
    const e = entries[0]
    const byType = !optionMap(e.options).has('_netdev')
    return pass(r, `${LineRef(e)} writes ${e.device} ${e.mountPoint} (${e.fsType}) to /etc/fstab with ${byType ? `nofail (no _netdev: systemd mounts type ${e.fsType} after the network by its type)` : '_netdev and nofail'}.`, at(ud, e, ev))
  }
  const worst = problems.find(x => x.level === 'error') ?? problems[0]
  // NOTE: two entries for one mount point on one line (`test -f … && printf A || printf B`) can give the same sentence.
  const msg = [...new Set(problems.map(x => x.text))].join('; ')
  const first = worst.entry
  // NOTE: the line as it should read: its own options kept (tls, iam, noresvport…), the missing ones added.
  const wanted = first.fsType === 'efs' ? ['_netdev', 'nofail'] : ['_netdev', 'nofail', ...EFS_NFS_OPTIONS.split(',')]
  // NOTE: `vers=` is the same option as `nfsvers=` (nfs(5)): one is not added next to the other.
  const optionKey = (o: string) => (o.split('=')[0] === 'vers' ? 'nfsvers' : o.split('=')[0])
  const fixed = [...first.options, ...wanted.filter(w => !first.options.some(o => optionKey(o) === optionKey(w)))]
  return fail(r, `UserData ${ud.id}: ${msg}.`,
    {summary: `Write the fstab line for ${first.mountPoint} with options ${fixed.join(',')} (its own options kept, the missing ones added).`, command: snippetCommand(s, first)},
    {...at(ud, worst.entry, {...ev, problems: problems.map(x => x.text)}), severity: worst.level})
}

export const fstabNetdev = defineCheck({
  id: 'userdata/fstab-netdev',
  title: 'UserData persists the EFS mount in /etc/fstab with _netdev (and nofail)',
  severity: 'error',
  policy: [
    {rule: 'An `efs` fstab entry without `_netdev` → fail, **error**: systemd does not take type efs for a network mount, so it is not ordered after the network, and amazon-efs-utils skips it; `nfs`/`nfs4` entries are network mounts by their type (systemd, and netfs on Amazon Linux 1), so `_netdev` is not required there', source: `${SOURCES.systemdMount}; ${SOURCES.efsAutomount}`},
    {rule: '`_netdev` without `nofail` → fail, **warning**: under systemd a failed remote mount delays the boot and fails remote-fs.target but does not stop the boot; on Amazon Linux 1 (sysvinit, netfs) `nofail` changes nothing, and the message says so', source: `${SOURCES.systemdMount}; ${SOURCES.efsAutomount}`},
    {rule: 'A mount with no fstab entry at all → fail, **error**: UserData runs on the first boot only, so the mount is gone after a reboot', source: `${SOURCES.efsAutomount}`},
  ],
  description: 'Without an fstab entry the mount is lost on reboot; an efs entry without _netdev is mounted before the network and efs-utils silently skips it; nofail and the EFS NFS options keep instances booting and clients reconnecting.',
  remediation: 'Write one grep-guarded fstab line with _netdev,nofail (efs type: tls; nfs4: nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport).',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/nfs-automount-efs.html',
  needs: ['userData'],
  run: s => eachUserData(s, (ud, p) => [evaluate(s, ud, p)]),
})
