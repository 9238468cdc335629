import type {Finding} from './types.js'

/** One entry of `.efsdoctor.yml` `ignore:` — the finding is still reported, marked, and does not fail the run. */
export interface IgnoreRule {
  /** Exact check id, or an area prefix ending in `/` or `/*`. */
  checkId: string
  /** Exact resource id; omitted or `*` = every resource. */
  resource?: string
  reason: string
}

function idMatches(id: string, pattern: string): boolean {
  const p = pattern.replace(/\*$/, '')
  return p.endsWith('/') ? id.startsWith(p) : id === p
}

export function applyIgnores(findings: Finding[], rules: IgnoreRule[]): Finding[] {
  if (rules.length === 0) return findings
  return findings.map(f => {
    const rule = rules.find(r => idMatches(f.checkId, r.checkId) && (!r.resource || r.resource === '*' || r.resource === f.resource.id))
    return rule && f.status !== 'pass' ? {...f, ignored: {reason: rule.reason}} : f
  })
}
