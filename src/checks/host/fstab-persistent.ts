/**
 * A mount made only by a `mount` command in UserData is gone after a reboot (shell UserData runs once per
 * instance), and an fstab line without `_netdev` is tried before the network is up, which can stall the boot.
 * The expected mount points need an fstab line with an NFS/EFS type and `_netdev`.
 */
import {defineCheck, fail, passFor, skipped} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import {isNfs, nfsMounts, perProbedHost, userDataMountPoints} from '../_lib/host.js'
import {shellCommand} from '../../core/shell.js'

export const fstabPersistent = defineCheck({
  id: 'host/fstab-persistent',
  title: 'EFS mounts are in /etc/fstab with _netdev, so they come back after a reboot',
  severity: 'warning',
  description: 'Without an fstab line the mount disappears at the next reboot and tasks silently write to the root volume; without `_netdev` the boot can hang waiting for the network.',
  remediation: 'Add one fstab line per mount point, e.g. `fs-…:/ /mnt/efs efs _netdev,noresvport,tls,nofail 0 0`, guarded so UserData does not add it twice.',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/automount-with-efs-mount-helper.html',
  needs: ['hostFacts'],
  run(s) {
    const fsId = s.scope.fileSystems[0]?.id ?? 'fs-…'
    return perProbedHost(s, (i, f, r) => {
      const out: Outcome[] = []
      const fromUd = userDataMountPoints(s, i)
      const wanted = fromUd.length > 0
        ? fromUd.map(e => ({path: e.path, device: e.device ?? `${e.fsId ?? fsId}:/`}))
        : nfsMounts(f).map(m => ({path: m.target, device: m.source.startsWith('127.0.0.1:') ? `${fsId}:/` : m.source}))
      if (wanted.length === 0) {
        return skipped(r, `No EFS mount is expected or present on ${i.id}.`)
      }
      for (const w of wanted) {
        const line = `${w.device} ${w.path} efs _netdev,noresvport,tls,nofail 0 0`
        const entry = f.fstab.find(e => e.mountPoint === w.path && isNfs(e.fstype))
        const ev = {path: w.path, fstab: f.fstab}
        if (!entry) {
          out.push(fail(r, `/etc/fstab on ${i.id} has no EFS/NFS line for ${w.path}: the mount will not come back after a reboot.`,
            {summary: 'Add the fstab line (from UserData guard it with `grep -q` so it is added once).', command: `${shellCommand(['echo', line])} | sudo tee -a /etc/fstab`},
            {evidence: ev, key: {path: w.path}}))
        } else if (!entry.options.includes('_netdev')) {
          out.push(fail(r, `The fstab line for ${w.path} on ${i.id} (${entry.device} ${entry.fstype} ${entry.options.join(',')}) lacks _netdev: at boot it is tried before the network is up.`,
            {summary: `Edit /etc/fstab on ${i.id}: add _netdev to the options of the ${w.path} line (recommended: ${line}).`},
            {evidence: ev, key: {path: w.path}}))
        } else {
          out.push(passFor(s, r, () => `/etc/fstab on ${i.id} mounts ${entry.device} at ${w.path} (${entry.fstype}, _netdev).`, () => ({evidence: ev, key: {path: w.path}})))
        }
      }
      return out
    })
  },
})
