/**
 * The least-privilege IAM policy efsdoctor needs, derived from the operations the code calls: the inventory's
 * read-only actions (INVENTORY_ACTIONS) for `check`, the SSM Run Command actions of the host probe, and the small
 * lookup `mount --instance` does. test/core/iam-policy.test.ts fails when the code calls an operation that is not
 * listed here. Pure data, no AWS SDK.
 */
import {INVENTORY_ACTIONS} from '../model/actions.js'

export type PolicyTarget = 'check' | 'probe' | 'mount'
export const POLICY_TARGETS: readonly PolicyTarget[] = ['check', 'probe', 'mount']

/** What the SSM runner reads (pre-flight and polling); SendCommand is granted separately, scoped to one document. */
export const SSM_READ_ACTIONS: readonly string[] = ['ssm:DescribeInstanceInformation', 'ssm:ListCommandInvocations', 'ssm:GetCommandInvocation']
export const SSM_SEND_ACTION = 'ssm:SendCommand'

/** `probe --instance` and `mount --instance` without a cluster: the instances, their network, the mount targets. */
export const INSTANCE_LOOKUP_ACTIONS: readonly string[] = [
  'ec2:DescribeInstances', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs', 'ec2:DescribeVpcAttribute', 'ec2:DescribeDhcpOptions',
  'elasticfilesystem:DescribeMountTargets',
]

/** `check --preflight`: who am I, and what may I do. */
export const PREFLIGHT_ACTIONS: readonly string[] = ['sts:GetCallerIdentity', 'iam:SimulatePrincipalPolicy', 'iam:GetRole']

export interface PolicyOptions {
  for: readonly PolicyTarget[]
  /** `check --no-probe`: leave the SSM statements out of the check policy. */
  probe?: boolean
  partition?: string
  region?: string
  account?: string
}

export interface PolicyStatement {
  Sid: string
  Effect: 'Allow'
  Action: string[]
  Resource: string | string[]
}

export interface PolicyDocument {
  Version: '2012-10-17'
  Statement: PolicyStatement[]
}

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort()

/** Every action a run of `targets` may call (read actions and SendCommand). */
export function requiredActions(opts: Pick<PolicyOptions, 'for' | 'probe'>): string[] {
  const out: string[] = []
  const ssm = [...SSM_READ_ACTIONS, SSM_SEND_ACTION]
  for (const t of opts.for) {
    if (t === 'check') out.push(...INVENTORY_ACTIONS, ...(opts.probe === false ? [] : ssm))
    if (t === 'probe' || t === 'mount') out.push(...INSTANCE_LOOKUP_ACTIONS, ...ssm)
  }
  return sorted(out)
}

/** The policy document: read-only Describe/List on `*` (they take no resource-level scoping that helps here), and SendCommand limited to AWS-RunShellScript on EC2 instances. */
export function iamPolicy(opts: PolicyOptions): PolicyDocument {
  const actions = requiredActions(opts)
  const partition = opts.partition ?? 'aws'
  const region = opts.region ?? '*'
  const account = opts.account ?? '*'
  const reads = actions.filter(a => a !== SSM_SEND_ACTION)
  const statements: PolicyStatement[] = [{Sid: 'EfsdoctorReadOnly', Effect: 'Allow', Action: reads, Resource: '*'}]
  if (actions.includes(SSM_SEND_ACTION)) {
    statements.push({Sid: 'EfsdoctorRunShellScriptOnInstances', Effect: 'Allow', Action: [SSM_SEND_ACTION], Resource: [
      // NOTE: AWS-owned documents have no account in their ARN.
      `arn:${partition}:ssm:${region}::document/AWS-RunShellScript`,
      `arn:${partition}:ec2:${region}:${account}:instance/*`,
    ]})
  }
  return {Version: '2012-10-17', Statement: statements}
}
