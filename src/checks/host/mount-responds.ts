/**
 * A mounted EFS must answer. A hard NFS mount whose server is unreachable stays in the mount table, but every
 * access (df, ls, the application) blocks in uninterruptible sleep; tasks hang instead of failing.
 */
import {defineCheck, fail, passFor, skipped, unknown} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import {nfsMounts, ownAzTcp, perProbedHost, ssmRun} from '../_lib/host.js'
import {shellAnd} from '../../core/shell.js'

export const mountResponds = defineCheck({
  id: 'host/mount-responds',
  title: 'Each EFS mount on the host answers (df returns within seconds)',
  severity: 'error',
  description: 'A hung NFS mount blocks every process that touches it (D state); tasks hang rather than fail, and `df` or `ls` never return.',
  remediation: 'Restore the network path to the mount target (host/port-2049-reachable, security groups, NACLs); if it does not recover, lazily unmount and mount again.',
  docsUrl: 'https://docs.aws.amazon.com/efs/latest/ug/troubleshooting-efs-mounting.html',
  needs: ['hostFacts'],
  run(s) {
    return perProbedHost(s, (i, f, r) => {
      const out: Outcome[] = []
      const mounts = nfsMounts(f)
      if (mounts.length === 0) {
        return skipped(r, `No EFS/NFS mount on ${i.id} to test (see host/efs-mounted).`)
      }
      // NOTE: only a mount that does not answer names a dead port: looked up then, not for every host.
      const firstDeadPort = () => ownAzTcp(s, i, f).tcp.find(t => t.status !== 'open')
      for (const m of mounts) {
        const ev = {target: m.target, source: m.source, df: m.df}
        switch (m.df?.status) {
          case 'ok':
            out.push(passFor(s, r, () => `${m.target} on ${i.id} answers (df: ${m.df?.usedKb ?? '?'} KiB used).`, () => ({evidence: ev, key: {path: m.target}})))
            break
          case 'timeout':
          case 'error': {
            const how = m.df.status === 'timeout' ? 'does not answer: df did not return in time' : `fails: ${m.df.detail ?? 'df returned an error'}`
            const dead = firstDeadPort()
            const port = dead ? ` Port ${dead.port} on ${dead.ip} is ${dead.status} from this host, so the network path is broken (see host/port-2049-reachable).` : ''
            out.push(fail(r, `${m.target} on ${i.id} ${how}.${port} Processes touching it hang.`,
              {summary: 'Fix the network path to the mount target first (security groups, NACLs); a hard mount recovers by itself once the server answers. If it stays stuck (or after a mount target was recreated: "Stale file handle"), unmount lazily and mount again.',
                command: ssmRun(i.id, shellAnd([['umount', '-l', m.target], ['mount', m.target]]))}, {evidence: ev, key: {path: m.target}}))
            break
          }
          default:
            out.push(unknown(r, `${m.target} on ${i.id} was not tested (${m.df?.detail ?? 'the probe ran out of time or output space'}).`, {evidence: ev, key: {path: m.target}}))
        }
      }
      return out
    })
  },
})
