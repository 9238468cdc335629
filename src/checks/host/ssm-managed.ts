/**
 * Every host check needs SSM Run Command on the instance. An instance that is not managed by SSM (no instance
 * profile with AmazonSSMManagedInstanceCore, no route to the ssm/ec2messages/ssmmessages endpoints, agent stopped)
 * cannot be probed, so all its host findings are `unknown`. This check says which instances and why.
 */
import {defineCheck, fail, passFor, unknown} from '../../core/define-check.js'
import type {Instance} from '../../model/snapshot.js'
import {notProbedReason} from '../_lib/host.js'
import {activeInstances, res} from '../_lib/scope.js'
import {shellWord} from '../../core/shell.js'

const SSM_POLICY = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'
const NETWORK = 'a network path to the ssm, ec2messages and ssmmessages endpoints (NAT, or interface VPC endpoints with private DNS)'

function attachPolicyCommand(i: Instance): string | undefined {
  const profile = i.iamInstanceProfileArn?.split('/').pop()
  if (!profile) return undefined
  return `aws iam attach-role-policy --policy-arn ${SSM_POLICY} --role-name "$(aws iam get-instance-profile --instance-profile-name ${shellWord(profile)} --query 'InstanceProfile.Roles[0].RoleName' --output text)"`
}

export const ssmManaged = defineCheck({
  id: 'host/ssm-managed',
  title: 'Container instances are managed by SSM so efsdoctor can look on the host',
  severity: 'warning',
  description: 'Host checks run over SSM Run Command; an unmanaged or offline instance hides its mounts, logs and containers, so those checks are unknown for it.',
  remediation: `Give the instance profile ${SSM_POLICY}, ${NETWORK}, and keep amazon-ssm-agent running.`,
  docsUrl: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/troubleshooting-managed-nodes.html',
  needs: ['hostFacts'],
  run(s) {
    return activeInstances(s).map(({instance: i}) => {
      const hf = s.hostFacts?.[i.id]
      const r = res.instance(i)
      const ev = {probeStatus: hf?.status ?? 'not-probed', reason: hf?.reason}
      const why = notProbedReason(hf)
      if (why === undefined) {
        const f = hf!.facts!
        const os = f.os?.prettyName ?? [f.os?.id, f.os?.versionId].filter(Boolean).join(' ')
        const cut = f.complete ? '' : ' Its output was cut short, so some host facts are missing.'
        return passFor(s, r, () => `${i.id} is SSM-managed and was probed${os ? ` (${os})` : ''}.${cut}`, () => ({evidence: ev}))
      }
      switch (hf?.status) {
        case 'not-managed': {
          const profile = i.iamInstanceProfileArn ? `its instance profile ${i.iamInstanceProfileArn.split('/').pop()}` : 'it has no instance profile'
          return fail(r, `${i.id} is not managed by SSM (${profile}), so efsdoctor cannot look on the host.`,
            {summary: `Attach ${SSM_POLICY} to the instance role (or attach an instance profile), give it ${NETWORK}, and make sure amazon-ssm-agent runs.`,
              command: attachPolicyCommand(i)}, {evidence: ev})
        }
        case 'offline':
          return fail(r, `The SSM agent on ${i.id} is offline${hf.reason ? ` (${hf.reason})` : ''}, so efsdoctor cannot look on the host.`,
            {summary: `Check that amazon-ssm-agent runs on ${i.id} (sudo systemctl status amazon-ssm-agent) and that it has ${NETWORK}; the role needs ${SSM_POLICY}.`,
              command: attachPolicyCommand(i)}, {evidence: ev})
        case 'not-linux':
          return fail(r, `${i.id} is not a Linux instance: EFS can only be mounted on Linux, and the probe cannot run there.`,
            {summary: 'Run tasks that use EFS on Linux container instances (FSx for Windows File Server serves Windows).'}, {evidence: ev})
        default: {
          const retry = hf?.status === 'timed-out' ? 're-run with a longer --probe-timeout, or run' : 'run'
          return unknown(r, `${i.id} could not be probed: ${why}. Its host checks are unknown; ${retry} the probe by hand (efsdoctor probe --instance ${i.id}).`,
            {evidence: ev})
        }
      }
    })
  },
})
