/**
 * amazon-efs-utils needs the region to build the file system's DNS name. It reads `region` from
 * /etc/amazon/efs/efs-utils.conf, else asks instance metadata (IMDSv2 token first). When neither works every `-t efs`
 * mount — and every efsVolumeConfiguration task on the host — fails with "Error retrieving region. Please set the
 * "region" parameter in the efs-utils configuration file."; a configured region that is not the instance's builds
 * names that do not resolve.
 */
import {defineCheck, fail, passFor, skipped, unknown} from '../../core/define-check.js'
import {efsConfigValue} from '../_lib/efs-utils.js'
import {perProbedHost, ssmRun} from '../_lib/host.js'
import {shellCommand} from '../../core/shell.js'

const CONF = '/etc/amazon/efs/efs-utils.conf'
/**
 * `sed` setting `region=` on the line that starts with `from`: `#region`, the commented `#region = us-east-1` line
 * efs-utils ships in [mount], or `region`, a wrong value. One quoted word; ssmRun JSON-encodes the command.
 */
const setRegion = (region: string, from = '#region') =>
  shellCommand(['sudo', 'sed', '-i', `s/^${from}.*/region=${/^[a-z0-9-]+$/.test(region) ? region : '<region>'}/`, CONF])

export const efsUtilsRegion = defineCheck({
  id: 'host/efs-utils-region',
  title: 'amazon-efs-utils can learn the region (efs-utils.conf or instance metadata)',
  severity: 'error',
  description: 'efs-utils takes the region from efs-utils.conf or instance metadata; when both fail, mounts fail with "Error retrieving region", and a configured region other than the instance\'s builds DNS names that do not resolve.',
  remediation: 'Set region in the [mount] section of /etc/amazon/efs/efs-utils.conf (or make instance metadata reachable: IMDS enabled, hop limit, IMDSv2 support in current efs-utils).',
  docsUrl: 'https://github.com/aws/efs-utils#the-way-to-access-instance-metadata',
  needs: ['hostFacts'],
  run(s) {
    const region = s.scope.region
    return perProbedHost(s, (i, f, r) => {
      if (!f.clients.mountEfs) return skipped(r, `${i.id} has no mount.efs (host/nfs-client-installed says whether it needs one).`)
      if (!f.efsUtilsConfig || !f.imds) return unknown(r, `The probe of ${i.id} predates version 3: it did not read efs-utils.conf or instance metadata.`)
      const evidence = {configRegion: efsConfigValue(f, 'region')?.value, imds: f.imds, instanceRegion: region}
      const configured = efsConfigValue(f, 'region')?.value
      if (configured) {
        if (region && configured !== region) {
          return fail(r, `${CONF} on ${i.id} sets region = ${configured}, but the instance is in ${region}: efs-utils builds fs-….efs.${configured}… names, which do not resolve here.`,
            {summary: `Set region = ${region} in the [mount] section of ${CONF}.`, command: ssmRun(i.id, setRegion(region, 'region'))}, {evidence})
        }
        return passFor(s, r, () => `efs-utils on ${i.id} takes the region from ${CONF} (region = ${configured}).`, () => ({evidence}))
      }
      const {tokenStatus, v1Status, region: imdsRegion, detail} = f.imds
      if (imdsRegion) {
        const how = tokenStatus === '200' ? `IMDSv2${v1Status === '401' ? ', which this instance requires' : ''}` : 'IMDSv1'
        return passFor(s, r, () => `efs-utils on ${i.id} can read the region ${imdsRegion} from instance metadata (${how}); ${CONF} sets none.`, () => ({evidence}))
      }
      if (detail) return unknown(r, `Could not ask instance metadata on ${i.id} (${detail}), and ${CONF} sets no region.`, {evidence})
      const why = tokenStatus === '000'
        ? 'instance metadata does not answer on this host (IMDS disabled or blocked)'
        : `instance metadata refused the region lookup (token request: HTTP ${tokenStatus}, token-less request: HTTP ${v1Status})`
      const fixRegion = region ?? '<region>'
      return fail(r, `${CONF} on ${i.id} sets no region and ${why}: \`mount -t efs\` and efsVolumeConfiguration tasks fail with "Error retrieving region".`,
        {summary: `Set region = ${fixRegion} in the [mount] section of ${CONF} (or enable instance metadata: aws ec2 modify-instance-metadata-options --instance-id ${i.id} --http-endpoint enabled).`,
          command: ssmRun(i.id, setRegion(fixRegion))}, {evidence})
    })
  },
})
