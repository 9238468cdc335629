/**
 * Reads an EFS file-system policy for the two things that refuse mounts outright: a Deny on non-TLS connections, and
 * whether anonymous clients (mounting without `iam`) are granted elasticfilesystem:ClientMount at all. Conservative:
 * a statement with conditions we do not model is not counted as an anonymous grant.
 */

export interface PolicyAnalysis {
  /** A Deny applies to ClientMount when aws:SecureTransport is false. */
  requiresTls: boolean
  /** Some Allow gives principal `*` ClientMount. */
  anonymousCanMount: boolean
  /** That anonymous grant itself requires aws:SecureTransport=true. */
  anonymousNeedsTls: boolean
}

type Json = Record<string, unknown>
const MOUNT = 'elasticfilesystem:clientmount'
const HARMLESS_FOR_MOUNTS = new Set(['elasticfilesystem:accessedviamounttarget'])

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v])
const glob = (pattern: string, value: string) =>
  new RegExp(`^${pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(value)

function coversMount(st: Json): boolean {
  if (st.NotAction !== undefined) return !list(st.NotAction).some(a => glob(String(a), MOUNT))
  return list(st.Action).some(a => glob(String(a), MOUNT))
}

function anyone(p: unknown): boolean {
  if (p === '*') return true
  if (p && typeof p === 'object') return list((p as Json).AWS).includes('*')
  return false
}

/** Condition values for `key` under any operator whose name includes `op` (e.g. Bool, BoolIfExists). */
function conditionValues(st: Json, op: string, key: string): string[] {
  const cond = (st.Condition ?? {}) as Record<string, Record<string, unknown>>
  return Object.entries(cond).filter(([o]) => o.toLowerCase().startsWith(op.toLowerCase()))
    .flatMap(([, kv]) => Object.entries(kv).filter(([k]) => k.toLowerCase() === key.toLowerCase()).flatMap(([, v]) => list(v).map(x => String(x).toLowerCase())))
}

function conditionKeys(st: Json): string[] {
  return Object.values((st.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap(kv => Object.keys(kv).map(k => k.toLowerCase()))
}

/** Throws on JSON that is not a policy document. */
export function analysePolicy(text: string): PolicyAnalysis {
  const doc = JSON.parse(text) as Json
  if (!doc || typeof doc !== 'object' || doc.Statement === undefined) throw new Error('no Statement in policy')
  const statements = list(doc.Statement) as Json[]
  const a: PolicyAnalysis = {requiresTls: false, anonymousCanMount: false, anonymousNeedsTls: false}
  let anonWithoutTls = false
  for (const st of statements) {
    if (!coversMount(st)) continue
    const tlsValues = conditionValues(st, 'Bool', 'aws:SecureTransport')
    if (st.Effect === 'Deny' && tlsValues.includes('false')) a.requiresTls = true
    if (st.Effect !== 'Allow' || !anyone(st.Principal)) continue
    const other = conditionKeys(st).filter(k => k !== 'aws:securetransport' && !HARMLESS_FOR_MOUNTS.has(k))
    if (other.length) continue
    a.anonymousCanMount = true
    if (!tlsValues.includes('true')) anonWithoutTls = true
  }
  a.anonymousNeedsTls = a.anonymousCanMount && !anonWithoutTls
  return a
}

/** Why a client with these options would be refused ("access denied by server"); empty when it would not. */
export function refusalReasons(p: PolicyAnalysis, client: {tls: boolean; iam: boolean}): string[] {
  const out: string[] = []
  if (!client.tls && (p.requiresTls || (!client.iam && p.anonymousNeedsTls))) out.push('the policy denies connections without TLS (aws:SecureTransport=false)')
  if (!client.iam && !p.anonymousCanMount) out.push('the policy grants elasticfilesystem:ClientMount only to IAM principals, and this client mounts anonymously (no iam)')
  return out
}
