/**
 * What GitHub code scanning checks when it ingests a SARIF upload, beyond the 2.1.0 schema: the hard limits that make
 * it reject a file (runs, results, rules, locations, tags, gzip size), and what it needs to show and track an alert:
 * every result with a ruleId that the run's rules define (with short and full descriptions and help), a message, a
 * physical location with an artifact URI and a start line, and partialFingerprints that no other result of the run
 * shares. Source: docs.github.com, "SARIF support for code scanning" and "SARIF results exceed limit".
 */
import {gzipSync} from 'node:zlib'

interface Region { startLine?: number }
interface Location { physicalLocation?: {artifactLocation?: {uri?: string}; region?: Region} }
interface Result { ruleId?: string; ruleIndex?: number; message?: {text?: string}; locations?: Location[]; partialFingerprints?: Record<string, string> }
interface Rule { id?: string; shortDescription?: {text?: string}; fullDescription?: {text?: string}; help?: {text?: string}; properties?: {tags?: string[]} }
interface Log { runs?: {tool?: {driver?: {name?: string; rules?: Rule[]}; extensions?: unknown[]}; results?: Result[]}[] }

export const GITHUB_LIMITS = {runs: 20, resultsPerRun: 25_000, rulesPerRun: 25_000, extensionsPerRun: 100, locationsPerResult: 1000, tagsPerRule: 20, gzipBytes: 10 * 1024 * 1024}

export function githubIngestionProblems(text: string): string[] {
  const problems: string[] = []
  const gz = gzipSync(Buffer.from(text)).length
  if (gz > GITHUB_LIMITS.gzipBytes) problems.push(`gzip size ${gz} > ${GITHUB_LIMITS.gzipBytes}`)
  const log = JSON.parse(text) as Log
  const runs = log.runs ?? []
  if (runs.length === 0 || runs.length > GITHUB_LIMITS.runs) problems.push(`${runs.length} runs`)
  runs.forEach((run, r) => {
    const rules = run.tool?.driver?.rules ?? []
    const results = run.results ?? []
    if (!run.tool?.driver?.name) problems.push(`run ${r}: no tool.driver.name`)
    if (results.length > GITHUB_LIMITS.resultsPerRun) problems.push(`run ${r}: ${results.length} results`)
    if (rules.length > GITHUB_LIMITS.rulesPerRun) problems.push(`run ${r}: ${rules.length} rules`)
    if ((run.tool?.extensions ?? []).length > GITHUB_LIMITS.extensionsPerRun) problems.push(`run ${r}: too many tool extensions`)
    for (const rule of rules) {
      if (!rule.id || !rule.shortDescription?.text || !rule.fullDescription?.text || !rule.help?.text) problems.push(`rule ${rule.id ?? '?'}: id, shortDescription, fullDescription and help are needed`)
      if ((rule.properties?.tags ?? []).length > GITHUB_LIMITS.tagsPerRule) problems.push(`rule ${rule.id}: more than ${GITHUB_LIMITS.tagsPerRule} tags`)
    }
    const ids = new Set(rules.map(x => x.id))
    const seen = new Map<string, number>()
    results.forEach((res, i) => {
      const at = `run ${r} result ${i} (${res.ruleId ?? '?'})`
      if (!res.ruleId || !ids.has(res.ruleId)) problems.push(`${at}: ruleId not among the run's rules`)
      if (res.ruleIndex !== undefined && rules[res.ruleIndex]?.id !== res.ruleId) problems.push(`${at}: ruleIndex does not point at its rule`)
      if (!res.message?.text) problems.push(`${at}: no message text`)
      const locs = res.locations ?? []
      if (locs.length === 0) problems.push(`${at}: no location`)
      if (locs.length > GITHUB_LIMITS.locationsPerResult) problems.push(`${at}: ${locs.length} locations`)
      for (const l of locs) {
        if (!l.physicalLocation?.artifactLocation?.uri) problems.push(`${at}: a location without an artifact URI`)
        const line = l.physicalLocation?.region?.startLine
        if (!Number.isInteger(line) || (line as number) < 1) problems.push(`${at}: a location without a start line`)
      }
      const fps = Object.entries(res.partialFingerprints ?? {})
      if (fps.length === 0) problems.push(`${at}: no partialFingerprints`)
      for (const [k, v] of fps) {
        const key = `${k}=${v}`
        if (seen.has(key)) problems.push(`${at}: partialFingerprints ${k} shared with result ${seen.get(key)}`)
        seen.set(key, i)
      }
    })
  })
  return problems
}
