/**
 * EFS DNS names end in the partition's suffix: amazonaws.com, but amazonaws.com.cn in the China regions. efs-utils
 * builds the name from dns_name_format / dns_name_suffix in efs-utils.conf (old releases hard-code amazonaws.com),
 * and fstab lines or scripts may spell it out. With the wrong suffix the name never resolves:
 * `Failed to resolve "fs-….efs.cn-north-1.amazonaws.com"`.
 */
import {defineCheck, fail, passFor, skipped, unknown} from '../../core/define-check.js'
import {efsConfigValue, partitionSuffix} from '../_lib/efs-utils.js'
import {perProbedHost} from '../_lib/host.js'
import type {ProbeFacts} from '../../model/probe-facts.js'
import {trimTrailing} from '../../core/trim.js'

/** The suffix efs-utils will use in `region`, from its configuration; undefined when the file does not say. */
function configuredSuffix(f: ProbeFacts, region: string): {suffix: string; where: string} | undefined {
  const fmt = efsConfigValue(f, 'dns_name_format', region)
  if (!fmt) return undefined
  if (fmt.value.includes('{dns_name_suffix}')) {
    const sfx = efsConfigValue(f, 'dns_name_suffix', region)
    return sfx ? {suffix: sfx.value, where: `dns_name_suffix in [${sfx.section}]`} : undefined
  }
  const literal = fmt.value.split('{region}.')[1]
  return literal ? {suffix: literal, where: `dns_name_format in [${fmt.section}] (${fmt.value})`} : undefined
}

/** An EFS name in `region`, capturing what follows `.efs.<region>.` (built once per run, not per host). */
const efsNameIn = (region: string): RegExp => new RegExp(`\\.efs\\.${region.replace(/[^a-z0-9-]/g, '')}\\.([a-z0-9.]{1,40})`)

/** EFS names spelled out on the host (fstab devices, mount sources) whose suffix is not `suffix`. */
function wrongNames(f: ProbeFacts, efsName: RegExp, suffix: string): string[] {
  const names = [...f.fstab.map(e => e.device), ...f.mounts.map(m => m.source), ...f.dns.map(d => d.name)]
  return [...new Set(names.filter(n => {
    const m = efsName.exec(n)
    return m !== null && trimTrailing(m[1], '.:/') !== suffix
  }))]
}

export const efsDnsSuffix = defineCheck({
  id: 'host/efs-dns-suffix',
  title: "EFS names on the host use the partition's DNS suffix (amazonaws.com.cn in China)",
  severity: 'error',
  description: 'In cn-north-1 and cn-northwest-1 EFS names end in amazonaws.com.cn; an efs-utils.conf (or old efs-utils) or an fstab line that uses amazonaws.com builds names that never resolve ("Failed to resolve \\"fs-….efs.cn-north-1.amazonaws.com\\"").',
  remediation: "Upgrade amazon-efs-utils, keep its [mount.<region>] dns_name_suffix sections, and write EFS names with the partition's suffix.",
  docsUrl: 'https://github.com/aws/efs-utils/issues/38',
  needs: ['hostFacts'],
  run(s) {
    const region = s.scope.region
    const suffix = partitionSuffix(region)
    const efsName = region && suffix ? efsNameIn(region) : undefined
    return perProbedHost(s, (i, f, r) => {
      if (!region || !suffix || !efsName) return skipped(r, `The region${region ? ` ${region}` : ''} is not one whose EFS DNS suffix efsdoctor knows.`)
      const bad = wrongNames(f, efsName, suffix)
      const conf = f.clients.mountEfs && f.efsUtilsConfig?.present ? configuredSuffix(f, region) : undefined
      const confWrong = conf && conf.suffix !== suffix ? conf : undefined
      const evidence = {region, expectedSuffix: suffix, efsUtilsConfig: conf, wrongNames: bad}
      if (bad.length > 0 || confWrong) {
        const what = [
          ...(confWrong ? [`efs-utils.conf gives ${confWrong.suffix} (${confWrong.where})`] : []),
          ...(bad.length ? [`${bad.join(', ')} ${bad.length === 1 ? 'uses' : 'use'} another suffix`] : []),
        ].join('; ')
        return fail(r, `EFS names in ${region} end in ${suffix}, but on ${i.id} ${what}: those names do not resolve.`,
          {summary: `Use ${suffix}: ${confWrong ? `add [mount.${region}] dns_name_suffix = ${suffix} to /etc/amazon/efs/efs-utils.conf (or upgrade amazon-efs-utils)` : ''}${confWrong && bad.length ? '; ' : ''}${bad.length ? `rewrite ${bad.join(', ')} with .${suffix}` : ''}.`},
          {evidence})
      }
      if (f.clients.mountEfs && f.efsUtilsConfig === undefined) {
        return unknown(r, `The probe of ${i.id} predates version 3: it did not read efs-utils.conf, so the suffix efs-utils builds is not known.`, {evidence})
      }
      return passFor(s, r, () => `EFS names on ${i.id} use ${suffix}${conf ? ` (efs-utils.conf: ${conf.where})` : ''}.`, () => ({evidence}))
    })
  },
})
