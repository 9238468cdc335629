/**
 * The instance must have EFS mounted where UserData mounts it (or, without a UserData mount, under every
 * task-definition host.sourcePath). When the mount is missing, Docker silently creates the directory on the root
 * volume and tasks write there: data is not shared, and it vanishes with the instance.
 */
import {defineCheck, fail, passFor, skipped} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import {coveringNfsMount, expectedPaths, mountFsId, nfsMounts, perProbedHost, seenAt, ssmRun} from '../_lib/host.js'
import {shellAnd, shellCommand} from '../../core/shell.js'

export const efsMounted = defineCheck({
  id: 'host/efs-mounted',
  title: 'EFS is mounted (nfs4/efs) at the expected path on every container instance',
  severity: 'error',
  description: 'Without the mount, bind-mounted task volumes land on the root volume: writes succeed but are not shared and are lost with the instance.',
  remediation: 'Mount the file system (`sudo mount -a -t efs,nfs4`), fix the UserData or fstab that should have done it, then restart tasks started before the mount.',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/mounting-fs-mount-helper-ec2-linux.html',
  needs: ['hostFacts'],
  run(s) {
    return perProbedHost(s, (i, f, r) => {
      const out: Outcome[] = []
      const expected = expectedPaths(s, i)
      const mounts = nfsMounts(f)
      if (expected.length === 0) {
        return mounts.length > 0
          ? passFor(s, r, () => `${i.id} has EFS/NFS mounted at ${mounts.map(m => m.target).join(', ')}.`)
          : skipped(r, `No EFS mount is expected on ${i.id} (no UserData mount, no host.sourcePath volume).`)
      }
      for (const e of expected) {
        const m = e.kind === 'mount-point' ? mounts.filter(x => x.target === e.path).pop() : coveringNfsMount(f, e.path)
        const ev = {path: e.path, expectedBecause: e.origin, mounts: mounts.map(x => `${x.source} on ${x.target} (${x.fstype})`)}
        const key = {path: e.path}
        if (!m) {
          const hasFstab = f.fstab.some(x => x.mountPoint === e.path)
          const what = e.kind === 'mount-point' ? `nothing is mounted at ${e.path}` : `${e.path} is not on an EFS/NFS mount`
          out.push(fail(r, `On ${i.id} ${what} (${seenAt(f, e.path)}; expected from ${e.origin}). Tasks binding it write to the local disk.`,
            {summary: `Mount it${hasFstab ? ' (the fstab line exists)' : ' (add the fstab line: see host/fstab-persistent)'}; find why it failed in host/boot-errors, then restart the tasks on ${i.id}.`,
              command: e.kind === 'mount-point' && e.fsId
                // NOTE: efsdoctor mount is idempotent, validates fstab and rolls back on failure; prefer it to a raw mount.
                ? shellCommand(['efsdoctor', 'mount', '--instance', i.id, '--file-system', e.fsId, '--path', e.path])
                : e.kind === 'mount-point' && hasFstab ? ssmRun(i.id, shellCommand(['mount', e.path])) : ssmRun(i.id, 'mount -a -t efs,nfs4')},
            {evidence: ev, key}))
          continue
        }
        const seenFs = mountFsId(f, m)
        if (e.fsId && seenFs && seenFs !== e.fsId) {
          out.push(fail(r, `${e.path} on ${i.id} is mounted from ${seenFs}, not ${e.fsId} (${e.origin}).`,
            {summary: `Unmount it and mount ${e.fsId} instead; check the fstab line and UserData.`,
              command: ssmRun(i.id, shellAnd([['umount', m.target], ['mount', m.target]]))}, {evidence: {...ev, source: m.source}, key}))
          continue
        }
        out.push(passFor(s, r, () => `${e.path} on ${i.id} is on ${m.fstype} from ${m.source}${seenFs && !m.source.includes(seenFs) ? ` (${seenFs})` : ''}, mounted at ${m.target}.`, () => ({evidence: ev, key})))
      }
      return out
    })
  },
})
