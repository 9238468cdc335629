/**
 * `check --preflight`: before collecting, ask IAM whether the caller may call every action the run needs
 * (sts:GetCallerIdentity → the caller's principal ARN, iam:SimulatePrincipalPolicy over the action list) and list
 * the missing ones. Never fatal: when the simulation itself is denied or fails, the result says so and the run
 * goes on (the collector's gaps still name each denied action).
 */
import {fatalError} from './call.js'
import {awsErrorCode} from '../core/errors.js'
import {clientConfig, sdk, type ClientOptions} from './aws-clients.js'

export interface PreflightResult {
  principalArn?: string
  /** Actions the simulation did not allow (implicitDeny or explicitDeny). */
  missing: string[]
  /** Set when the pre-flight could not be completed; the run goes on. */
  skipped?: string
}

const firstLine = (e: unknown): string => String((e as Error)?.message ?? e).split('\n')[0]

/** `arn:aws:sts::123:assumed-role/Name/session` → the role name; undefined for users and other principals. */
export function assumedRoleName(arn: string): string | undefined {
  const m = /^arn:[^:]+:sts::\d+:assumed-role\/([^/]+)\//.exec(arn)
  return m?.[1]
}

export async function preflight(opts: ClientOptions, actions: readonly string[]): Promise<PreflightResult> {
  const [{STSClient, GetCallerIdentityCommand}, {IAMClient, SimulatePrincipalPolicyCommand, GetRoleCommand}] = await Promise.all([sdk.sts(), sdk.iam()])
  const config = clientConfig(opts)
  const sts = new STSClient(config)
  // NOTE: IAM is a global service; the SDK resolves its endpoint from any region (and --endpoint-url wins).
  const iam = new IAMClient(config)
  let callerArn: string
  try {
    callerArn = (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? ''
  } catch (error) {
    // NOTE: an unreachable endpoint, unusable credentials or no region stop the whole run: say so once, as every
    // command does, instead of a preflight line followed by the same failure from discovery.
    const fatal = fatalError(error, opts.region, opts.endpointUrl)
    if (fatal) throw fatal
    return {missing: [], skipped: `sts:GetCallerIdentity failed (${awsErrorCode(error)}: ${firstLine(error)})`}
  }
  let principalArn = callerArn
  const role = assumedRoleName(callerArn)
  if (role) {
    const account = callerArn.split(':')[4]
    const partition = callerArn.split(':')[1]
    try {
      principalArn = (await iam.send(new GetRoleCommand({RoleName: role}))).Role?.Arn ?? `arn:${partition}:iam::${account}:role/${role}`
    } catch {
      // NOTE: without iam:GetRole the role's path is unknown; roles with a path (e.g. SSO roles) then fail the simulation below.
      principalArn = `arn:${partition}:iam::${account}:role/${role}`
    }
  }
  const missing: string[] = []
  try {
    let marker: string | undefined
    do {
      const out = await iam.send(new SimulatePrincipalPolicyCommand({PolicySourceArn: principalArn, ActionNames: [...actions], Marker: marker}))
      for (const r of out.EvaluationResults ?? []) if (r.EvalDecision !== 'allowed' && r.EvalActionName) missing.push(r.EvalActionName)
      marker = out.IsTruncated ? out.Marker : undefined
    } while (marker)
  } catch (error) {
    const code = awsErrorCode(error)
    const why = /AccessDenied|UnauthorizedOperation/.test(code) ? 'denied' : 'failed'
    return {principalArn, missing: [], skipped: `iam:SimulatePrincipalPolicy ${why} for ${principalArn} (${code}: ${firstLine(error)})`}
  }
  return {principalArn, missing: [...new Set(missing)].sort()}
}

/** The lines `check --preflight` prints on stderr. */
export function preflightLines(r: PreflightResult): string[] {
  if (r.skipped) return [`preflight: skipped — ${r.skipped}; continuing, and any denied call will show as an unknown finding`]
  if (!r.missing.length) return [`preflight: ${r.principalArn} may call every action this run needs`]
  return [`preflight: ${r.principalArn} is missing ${r.missing.length} permission(s) this run needs (the checks that depend on them will be unknown):`,
    ...r.missing.map(a => `  - ${a}`), 'preflight: `efsdoctor iam-policy` prints a policy that grants them']
}
