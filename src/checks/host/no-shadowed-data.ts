/**
 * Nothing may lie in the local directory underneath an EFS mount point. Files written there while EFS was not
 * mounted (by tasks started before the mount, or by UserData that wrote before mounting) stay on the root volume,
 * hidden by the mount: the application no longer sees them, nobody notices, and they vanish with the instance.
 * The probe looks underneath read-only, from a private mount namespace in which the mount is lazily detached.
 */
import {defineCheck, fail, passFor, skipped, unknown} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import type {ProbeShadow} from '../../model/probe-facts.js'
import {nfsMounts, perProbedHost} from '../_lib/host.js'
import {trimTrailing} from '../../core/trim.js'

const CAP = 21
const quote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)
const count = (n: number): string => (n >= CAP ? `more than ${CAP - 1} entries are` : n === 1 ? '1 entry is' : `${n} entries are`)
const backupDir = (mountPoint: string): string => `/root/efs-shadowed${trimTrailing(mountPoint.replace(/[^\w.-]+/g, '-'), '-')}`

/**
 * Copies what lies beneath the mount to the root volume without touching the host's mount table: the lazy umount
 * happens only inside a private mount namespace that ends with the command.
 */
export function copyOutCommand(mountPoint: string): string {
  return `sudo unshare --mount --propagation private sh -c 'umount -l -i -c "$1" && mkdir -p "$2" && cp -a "$1"/. "$2"/' _ ${quote(mountPoint)} ${quote(backupDir(mountPoint))}`
}

export const noShadowedData = defineCheck({
  id: 'host/no-shadowed-data',
  title: 'No data lies hidden in the local directory underneath an EFS mount point',
  severity: 'warning',
  description: 'Files written to the mount point before EFS was mounted stay on the root volume, hidden by the mount: the application silently loses them.',
  remediation: 'Copy the hidden files out from a private mount namespace (unshare), review them, copy what is needed into EFS, then free the root volume.',
  docsUrl: 'https://man7.org/linux/man-pages/man1/unshare.1.html',
  needs: ['hostFacts'],
  run(s) {
    return perProbedHost(s, (i, f, r) => {
      const mounts = [...new Set(nfsMounts(f).map(m => m.target))]
      if (mounts.length === 0) return skipped(r, `No EFS/NFS mount on ${i.id}: nothing can be hidden underneath one.`)
      if (!f.shadowed) {
        return unknown(r, `The probe did not look underneath the EFS mounts on ${i.id} (${mounts.join(', ')}): probe version ${f.probeVersion || '?'} predates that check${f.complete ? '' : ', or its output was cut'}. Run \`efsdoctor probe\` again.`,
          {evidence: {mounts}})
      }
      return mounts.map((mp): Outcome => {
        const sh: ProbeShadow | undefined = f.shadowed!.find(x => x.mountPoint === mp)
        const evidence = {mountPoint: mp, ...(sh ? {status: sh.status, entries: sh.entries, sample: sh.sample, detail: sh.detail} : {})}
        if (!sh) {
          return unknown(r, `The probe did not report what lies underneath ${mp} on ${i.id} (it looks at the first 10 mounts${f.complete ? '' : '; its output was cut'}).`, {evidence, key: {path: mp}})
        }
        if (sh.status !== 'ok' || sh.entries === undefined) {
          const why = sh.status === 'timeout' ? 'the look timed out' : 'it could not look'
          return unknown(r, `Could not tell what lies underneath ${mp} on ${i.id}: ${why}${sh.detail ? ` (${sh.detail})` : ''}.`, {evidence, key: {path: mp}})
        }
        if (sh.entries === 0) return passFor(s, r, () => `Nothing is hidden underneath the EFS mount ${mp} on ${i.id}.`, () => ({evidence, key: {path: mp}}))
        const names = sh.sample.length ? ` (e.g. ${sh.sample.join(', ')})` : ''
        return fail(r, `On ${i.id} ${count(sh.entries)} hidden in the local directory underneath the EFS mount ${mp}${names}: written to the root volume while EFS was not mounted, the application cannot see them and they are lost with the instance.`,
          {summary: `On ${i.id}, copy them out with the command (it unmounts only inside a private mount namespace; the host keeps its mount), review ${backupDir(mp)}, copy what is needed into ${mp} (cp -an ${backupDir(mp)}/. ${mp}/), then delete the hidden originals the same way to free the root volume. Restart tasks started before the mount (see ecs/container-sees-efs).`,
            command: copyOutCommand(mp)},
          {evidence, key: {path: mp}})
      })
    })
  },
})
