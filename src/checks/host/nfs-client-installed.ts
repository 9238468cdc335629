/**
 * Mounting needs the NFS client (`mount.nfs4`, package nfs-utils / nfs-common) and, for `-t efs` mounts and the
 * ECS volume plugin, amazon-efs-utils (`mount.efs`). Without them mounts fail with "wrong fs type, bad option,
 * bad superblock" or "unknown filesystem type 'efs'".
 */
import {defineCheck, fail, passFor, skipped} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import {expectedPaths, installClientCommand, perProbedHost, ssmRun} from '../_lib/host.js'

export const nfsClientInstalled = defineCheck({
  id: 'host/nfs-client-installed',
  title: 'The NFS client (and amazon-efs-utils where `efs` mounts are used) is installed on the host',
  severity: 'error',
  description: "Without mount.nfs4 mounts fail with \"wrong fs type, bad option, bad superblock\"; without mount.efs, `-t efs` mounts fail with \"unknown filesystem type 'efs'\" and efsVolumeConfiguration tasks cannot start (they also need amazon-ecs-volume-plugin running).",
  remediation: 'Install amazon-efs-utils (Amazon Linux: `sudo yum install -y amazon-efs-utils`; it pulls in nfs-utils) or nfs-common on Debian/Ubuntu, before the mount runs.',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/installing-amazon-efs-utils.html',
  needs: ['hostFacts'],
  run(s) {
    const efsVolumes = (s.taskDefinitions ?? []).some(td => td.volumes.some(v => v.efsVolumeConfiguration))
    return perProbedHost(s, (i, f, r) => {
      const out: Outcome[] = []
      const expected = expectedPaths(s, i)
      const needsEfs = efsVolumes || expected.some(e => e.fstype === 'efs') || f.fstab.some(e => e.fstype === 'efs')
      const needsNfs = needsEfs || expected.length > 0 || f.fstab.length > 0
      const ev = {clients: f.clients, packages: f.packages, efsUtilsVersion: f.efsUtilsVersion}
      if (!needsNfs) {
        return skipped(r, `Nothing on ${i.id} mounts EFS, so no client is needed.`)
      }
      const missing = [
        ...(f.clients.mountNfs4 ? [] : ['mount.nfs4 (nfs-utils / nfs-common)']),
        ...(needsEfs && !f.clients.mountEfs ? ['mount.efs (amazon-efs-utils)'] : []),
      ]
      if (missing.length > 0) {
        const why = needsEfs ? "`-t efs` mounts fail with \"unknown filesystem type 'efs'\"" : 'mounts fail with "wrong fs type, bad option, bad superblock"'
        out.push(fail(r, `${i.id} lacks ${missing.join(' and ')}: ${why}.`,
          {summary: 'Install the EFS client before the mount runs (in UserData, before `mount`), then mount.', command: installClientCommand(f)},
          {evidence: ev}))
      } else if (efsVolumes && ['inactive', 'failed'].includes(f.services['amazon-ecs-volume-plugin'] ?? '')) {
        out.push(fail(r, `amazon-ecs-volume-plugin is ${f.services['amazon-ecs-volume-plugin']} on ${i.id}: tasks with efsVolumeConfiguration fail to start (ResourceInitializationError).`,
          {summary: 'Enable and start the ECS volume plugin (custom AMIs must install and enable it).',
            command: ssmRun(i.id, 'systemctl enable --now amazon-ecs-volume-plugin')},
          {evidence: {...ev, volumePlugin: f.services['amazon-ecs-volume-plugin']}}))
      } else {
        out.push(passFor(s, r, () => `${i.id} has mount.nfs4${f.clients.mountEfs ? ` and mount.efs (${f.efsUtilsVersion ?? f.packages['amazon-efs-utils'] ?? 'version unknown'})` : ''}.`, () => ({evidence: ev})))
      }
      return out
    })
  },
})
