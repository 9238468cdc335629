/**
 * EFS recommends `nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport` (what the mount
 * helper applies). `soft` turns a slow server into I/O errors and possible data corruption; a plain nfs4 mount
 * without `noresvport` may never reconnect after a network blip ("nfs: server … not responding").
 */
import {defineCheck, fail, passFor, skipped} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import {nfsMounts, perProbedHost} from '../_lib/host.js'
import {optionMap} from '../_lib/user-data.js'

const RECOMMENDED = 'nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport'

/** Problems with one mount's options, worst first. */
export function optionProblems(options: string[], fstype: string): string[] {
  const opt = optionMap(options)
  const problems: string[] = []
  if (opt.has('soft')) problems.push('`soft`: a slow or unreachable server returns I/O errors to applications and can corrupt data; use `hard`')
  if (fstype !== 'efs' && !opt.has('noresvport')) problems.push('no `noresvport`: after a network interruption the client may not reconnect ("nfs: server … not responding")')
  const vers = opt.get('vers') ?? opt.get('nfsvers')
  if (vers && !vers.startsWith('4.1') && !vers.startsWith('4.2')) problems.push(`\`vers=${vers}\`: EFS recommends NFS 4.1`)
  for (const k of ['rsize', 'wsize']) {
    const v = Number(opt.get(k))
    if (opt.has(k) && v < 1048576) problems.push(`\`${k}=${opt.get(k)}\`: below the recommended 1048576, slower I/O`)
  }
  const timeo = Number(opt.get('timeo'))
  if (opt.has('timeo') && timeo < 150) problems.push(`\`timeo=${opt.get('timeo')}\`: shorter than recommended (600), retries pile up`)
  return problems
}

export const mountOptions = defineCheck({
  id: 'host/mount-options',
  title: 'EFS mounts use the recommended NFS options (hard, noresvport, 4.1, 1 MiB rsize/wsize)',
  severity: 'warning',
  description: '`soft` mounts return I/O errors and can corrupt data; without `noresvport` a mount may not recover from a network blip; small rsize/wsize slow everything down.',
  remediation: `Mount with the EFS mount helper (\`-t efs -o tls\`), which sets the options, or use \`-o ${RECOMMENDED}\`.`,
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/mounting-fs-nfs-mount-settings.html',
  needs: ['hostFacts'],
  run(s) {
    // NOTE: hosts mounted alike share their options: the problems of each distinct (type, options) are worked out once
    // per run (the list is shared by the findings' evidence and never changed).
    const byType = new Map<string, Map<string, string[]>>()
    const problemsOf = (options: string[], fstype: string): string[] => {
      const byOptions = byType.get(fstype) ?? byType.set(fstype, new Map()).get(fstype)!
      const key = JSON.stringify(options)
      let problems = byOptions.get(key)
      if (!problems) byOptions.set(key, problems = optionProblems(options, fstype))
      return problems
    }
    return perProbedHost(s, (i, f, r) => {
      const out: Outcome[] = []
      const mounts = nfsMounts(f)
      if (mounts.length === 0) {
        return skipped(r, `No EFS/NFS mount on ${i.id} (see host/efs-mounted).`)
      }
      for (const m of mounts) {
        const problems = problemsOf(m.options, m.fstype)
        const ev = {target: m.target, options: m.options, problems}
        if (problems.length === 0) {
          out.push(passFor(s, r, () => `${m.target} on ${i.id} uses the recommended options.`, () => ({evidence: ev, key: {path: m.target}})))
        } else {
          out.push(fail(r, `${m.target} on ${i.id}: ${problems.join('; ')}.`,
            {summary: `Remount with the EFS mount helper (-t efs -o tls,_netdev) or with -o ${RECOMMENDED}, and fix the fstab line the same way.`},
            {evidence: ev, key: {path: m.target}}))
        }
      }
      return out
    })
  },
})
