/**
 * TLS mounts (`-o tls`, transitEncryption: ENABLED) run through a local tunnel: stunnel for amazon-efs-utils 1.x,
 * efs-proxy for 2.x, restarted by amazon-efs-mount-watchdog. A missing part fails the mount ("Failed to locate
 * stunnel", "Command '['which', 'stunnel']' returned non-zero exit status 1", "efs-proxy binary … not installed
 * correctly"); a stopped watchdog leaves a crashed tunnel down and the mount hung.
 */
import {defineCheck, fail, passFor, skipped, unknown} from '../../core/define-check.js'
import type {Outcome} from '../../core/types.js'
import {efsUtilsVersion, tlsInUse, versionBelow} from '../_lib/efs-utils.js'
import {installClientCommand, perProbedHost, ssmRun} from '../_lib/host.js'
import type {ProbeFacts} from '../../model/probe-facts.js'

function parts(f: ProbeFacts, version: string | undefined): string {
  const h = f.tlsHelpers ?? {}
  const one = (name: string) => {
    const x = h[name]
    if (!x?.present) return `${name} absent`
    return `${name} ${x.version ?? f.packages[name] ?? 'present'}${x.path ? ` (${x.path})` : ''}`
  }
  return [`amazon-efs-utils ${version ?? 'version unknown'}`, one('efs-proxy'), one('stunnel'), one('stunnel5'),
    `amazon-efs-mount-watchdog ${f.services['amazon-efs-mount-watchdog'] ?? 'unknown'}`].join('; ')
}

export const efsUtilsTls = defineCheck({
  id: 'host/efs-utils-tls',
  title: 'The TLS parts of amazon-efs-utils are present and running (efs-proxy or stunnel, and the watchdog)',
  severity: 'error',
  description: 'TLS mounts need efs-proxy (efs-utils 2.x) or stunnel (1.x; some 2.0.x releases still look for it) and amazon-efs-mount-watchdog; without them mounts fail ("Failed to locate stunnel", "which stunnel … returned non-zero exit status 1") or hang after a tunnel crash.',
  remediation: 'Install or upgrade amazon-efs-utils from its package (it brings efs-proxy; AL2 1.x needs stunnel5) and keep amazon-efs-mount-watchdog running.',
  docsUrl: 'https://github.com/aws/efs-utils#upgrading-from-efs-utils-v1-to-v2',
  needs: ['hostFacts'],
  run(s) {
    return perProbedHost(s, (i, f, r): Outcome => {
      const why = tlsInUse(s, f)
      if (!why) return skipped(r, `Nothing on ${i.id} mounts EFS over TLS.`)
      if (!f.clients.mountEfs) return skipped(r, `${i.id} has no mount.efs; host/nfs-client-installed reports it (TLS is used by ${why}).`)
      if (!f.tlsHelpers) return unknown(r, `The probe of ${i.id} predates version 3: it did not look for stunnel or efs-proxy.`)
      const v = efsUtilsVersion(f)
      const have = (name: string) => f.tlsHelpers?.[name]?.present === true
      const stunnel = have('stunnel') || have('stunnel5')
      const named = parts(f, v?.text)
      const evidence = {tlsUsedBy: why, efsUtilsVersion: v?.text, tlsHelpers: f.tlsHelpers, watchdog: f.services['amazon-efs-mount-watchdog']}
      const reinstall = {summary: 'Reinstall amazon-efs-utils from its package so the TLS helper it runs is present, then mount again.',
        command: ssmRun(i.id, installClientCommand(f).replace('install -y', 'reinstall -y'))}
      if (!v) {
        if (!have('efs-proxy') && !stunnel) return fail(r, `${i.id} mounts over TLS (${why}) but has neither efs-proxy nor stunnel: ${named}.`, reinstall, {evidence})
        return unknown(r, `The amazon-efs-utils version on ${i.id} is not known, so which TLS helper it runs cannot be told: ${named}.`, {evidence})
      }
      if (v.parts[0] >= 2 && !have('efs-proxy')) {
        return fail(r, `${i.id} runs amazon-efs-utils ${v.text}, whose TLS mounts need efs-proxy, and it is missing (TLS is used by ${why}): ${named}.`, reinstall, {evidence})
      }
      if (v.parts[0] < 2 && !stunnel) {
        return fail(r, `${i.id} runs amazon-efs-utils ${v.text}, whose TLS mounts need stunnel, and it is missing ("Failed to locate stunnel"; TLS is used by ${why}): ${named}.`,
          {summary: 'Install stunnel (Amazon Linux 2: stunnel5) or upgrade amazon-efs-utils to 2.x (efs-proxy), then mount again.',
            command: ssmRun(i.id, f.os?.id === 'amzn' ? 'sudo yum install -y stunnel5' : installClientCommand(f))}, {evidence})
      }
      if (v.parts[0] === 2 && v.parts[1] === 0 && !stunnel) {
        return fail(r, `${i.id} runs amazon-efs-utils ${v.text}: some 2.0.x releases still check for a stunnel binary before using efs-proxy and fail with "Command '['which', 'stunnel']' returned non-zero exit status 1" (aws/efs-utils#233): ${named}.`,
          {summary: 'Upgrade amazon-efs-utils past 2.0.x, or install stunnel alongside it.', command: ssmRun(i.id, installClientCommand(f).replace('install -y', 'upgrade -y'))},
          {evidence, severity: 'warning'})
      }
      const watchdog = f.services['amazon-efs-mount-watchdog']
      const liveTls = f.mounts.filter(m => m.source.startsWith('127.0.0.1:'))
      if (liveTls.length > 0 && (watchdog === 'inactive' || watchdog === 'failed')) {
        return fail(r, `amazon-efs-mount-watchdog is ${watchdog} on ${i.id} while ${liveTls.length} TLS mount(s) are up (${liveTls.map(m => m.target).join(', ')}): a crashed tunnel is not restarted and the mount hangs: ${named}.`,
          {summary: 'Start the watchdog (mount.efs starts it on each TLS mount; systemd keeps it running).', command: ssmRun(i.id, 'sudo systemctl enable --now amazon-efs-mount-watchdog')},
          {evidence})
      }
      const old = versionBelow(v.parts, [2, 0, 0]) ? ' (1.x: consider 2.x, which replaces stunnel with efs-proxy)' : ''
      return passFor(s, r, () => `${i.id} has what its TLS mounts need (TLS is used by ${why}): ${named}${old}.`, () => ({evidence}))
    })
  },
})
