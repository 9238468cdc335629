/**
 * Applies a mount plan through SSM and reads back what happened on each instance.
 * mount-efs.sh ends with one `EFSD_RESULT status=… key=value … reason=…` line; its exit status is non-zero for
 * "unchanged" (3), so SSM reports such hosts as Failed — the result line, not the SSM status, decides.
 * Before and after, the host probe reports the mount state at the path (before/after in the result table).
 */
import Table from 'cli-table3'
import {readFileSync} from 'node:fs'
import {chunk} from '../inventory/call.js'
import {redactSecrets} from '../core/redact.js'
import {shellCommand} from '../core/shell.js'
import type {HostFacts, Snapshot} from '../model/snapshot.js'
import type {MountPlan} from './mount-plan.js'
import {probeInstances, toHostFacts} from './probe.js'
import {buildProbeCommand} from './probe-script.js'
import type {InvocationResult, RunOptions, SsmRunner} from './ssm-runner.js'
import {codeFile} from '../core/package-files.js'

export type MountStatus = 'applied' | 'unchanged' | 'refused' | 'failed' | 'skipped' | 'unknown'

/** What the probe saw at the path: mounted from where, and whether fstab has a line for it. */
export interface MountState {
  known: boolean
  mounted?: boolean
  source?: string
  fstype?: string
  fstab?: boolean
  /** Why the state is unknown. */
  detail?: string
}

export interface MountResult {
  instanceId: string
  status: MountStatus
  reason?: string
  /** key=value fields from the result line (method, mount, fstab, backup, installed, …). */
  fields: Record<string, string>
  exitCode?: number
  before?: MountState
  after?: MountState
}

export interface ApplyOptions {
  maxConcurrency?: string
  maxErrors?: string
  /** Seconds the script may run per host (default 600: package installs can be slow). */
  timeoutSeconds?: number
  /** Instances per SSM command (SendCommand takes at most 50 ids). */
  batchSize?: number
  /** Probe before and after (default true). */
  probe?: boolean
  /** With a snapshot, the full host probe runs (the one `check` uses), so host checks can be re-run on its facts. */
  snapshot?: Snapshot
  /** Host facts already known before applying (e.g. from the probe that picked the instances). */
  beforeFacts?: Record<string, HostFacts>
  /** Receives the host facts of the sent instances, before and after. */
  onFacts?: (phase: 'before' | 'after', facts: Record<string, HostFacts>) => void
}

let cachedScript: string | undefined

/** The mount script text (src/remote/scripts/mount-efs.sh; copied to dist/ by scripts/copy-assets.mjs). */
export function mountScript(): string {
  cachedScript ??= readFileSync(codeFile('remote/scripts/mount-efs.sh'), 'utf8')
  return cachedScript
}

const STATUS_BY_EXIT: Record<number, MountStatus> = {0: 'applied', 3: 'unchanged', 4: 'refused', 5: 'failed', 6: 'failed'}

/** Parses the last `EFSD_RESULT` line; `reason=` takes the rest of the line. */
export function parseResultLine(stdout: string): {status: MountStatus; fields: Record<string, string>; reason?: string} | undefined {
  const line = stdout.split('\n').map(l => l.trim()).filter(l => l.startsWith('EFSD_RESULT ')).pop()
  if (!line) return undefined
  let rest = line.slice('EFSD_RESULT '.length)
  let reason: string | undefined
  const r = rest.search(/(^| )reason=/)
  if (r >= 0) {
    reason = rest.slice(r).replace(/^ ?reason=/, '')
    rest = rest.slice(0, r)
  }
  const fields: Record<string, string> = {}
  for (const token of rest.split(' ').filter(Boolean)) {
    const eq = token.indexOf('=')
    if (eq > 0) fields[token.slice(0, eq)] = token.slice(eq + 1)
  }
  const status = fields.status as MountStatus
  if (!['applied', 'unchanged', 'refused', 'failed'].includes(status)) return undefined
  delete fields.status
  return {status, fields, reason}
}

// NOTE: reasons quote the host (mount errors, a package manager's last stderr line, which can name a repository URL
// with its credentials): redacted like the probe's output before they are printed.
function toResult(inv: InvocationResult): MountResult {
  if (inv.unread) {
    return {instanceId: inv.instanceId, status: 'unknown', reason: redactSecrets(`could not read the result (${inv.unread.error})`),
      fields: {commandId: inv.unread.commandId}}
  }
  const parsed = parseResultLine(inv.stdout)
  if (parsed) return {instanceId: inv.instanceId, exitCode: inv.exitCode, ...parsed, ...(parsed.reason ? {reason: redactSecrets(parsed.reason)} : {})}
  const tail = inv.stderr.trim().split('\n').pop()
  const reason = redactSecrets(inv.reason ?? (tail || `SSM status ${inv.status}${inv.exitCode === undefined ? '' : `, exit ${inv.exitCode}`}`))
  const byExit = inv.exitCode === undefined ? undefined : STATUS_BY_EXIT[inv.exitCode]
  return {instanceId: inv.instanceId, status: byExit && byExit !== 'applied' ? byExit : 'failed', reason, fields: {}, exitCode: inv.exitCode}
}

/** Probes `instanceIds` (the full probe with a snapshot, else one that only looks at the path). Never throws per instance. */
export async function probeFacts(runner: SsmRunner, instanceIds: string[], path: string, opts: ApplyOptions = {}):
  Promise<Record<string, HostFacts>> {
  if (instanceIds.length === 0) return {}
  if (opts.snapshot) return probeInstances(runner, opts.snapshot, instanceIds, {timeoutSeconds: 120})
  const out: Record<string, HostFacts> = {}
  const command = buildProbeCommand({expectedPaths: [path]})
  for (const ids of chunk(instanceIds, opts.batchSize ?? 50)) {
    const results = await runner.run(ids, command, {timeoutSeconds: 120, maxConcurrency: opts.maxConcurrency,
      maxErrors: '100%', comment: `efsdoctor probe ${path} (read-only)`.slice(0, 100)})
    for (const inv of results) out[inv.instanceId] = toHostFacts(inv)
  }
  for (const id of instanceIds) out[id] ??= {instanceId: id, status: 'error', reason: 'no probe result'}
  return out
}

/** The mount state at `path` in one host's probe facts. */
export function mountStateAt(hf: HostFacts | undefined, path: string): MountState {
  if (!hf) return {known: false, detail: 'not probed'}
  if (hf.status !== 'ok' || !hf.facts) return {known: false, detail: `${hf.status}${hf.reason ? `: ${hf.reason}` : ''}`}
  const m = hf.facts.mounts.filter(x => x.target === path).pop()
  const fstab = hf.facts.fstab.some(e => e.mountPoint === path)
  return m ? {known: true, mounted: true, source: m.source, fstype: m.fstype, fstab} : {known: true, mounted: false, fstab}
}

/**
 * Sends each instance its command (instances with the same command share one SSM command, in batches), passing
 * the rate controls through, and returns one result per planned instance, in plan order.
 */
export async function applyMount(runner: SsmRunner, plan: MountPlan, opts: ApplyOptions = {}): Promise<MountResult[]> {
  const results = new Map<string, MountResult>()
  const groups = new Map<string, string[]>()
  for (const p of plan.instances) {
    if (!p.command) {
      results.set(p.instanceId, {instanceId: p.instanceId, status: 'skipped', reason: p.choice.problem, fields: {}})
      continue
    }
    groups.set(p.command, [...(groups.get(p.command) ?? []), p.instanceId])
  }
  const sendIds = [...groups.values()].flat()
  const probe = opts.probe !== false
  const known = opts.beforeFacts ?? {}
  const before = probe ? {...await probeFacts(runner, sendIds.filter(id => !known[id]), plan.spec.path, opts), ...known} : known
  if (probe) opts.onFacts?.('before', Object.fromEntries(sendIds.map(id => [id, before[id]])))
  const runOpts: RunOptions = {
    timeoutSeconds: opts.timeoutSeconds ?? 600,
    maxConcurrency: opts.maxConcurrency,
    maxErrors: opts.maxErrors,
    comment: `efsdoctor mount ${plan.spec.fileSystemId} at ${plan.spec.path}`.slice(0, 100),
  }
  for (const [command, ids] of groups) {
    for (const batch of chunk(ids, opts.batchSize ?? 50)) {
      const invocations = await runner.run(batch, command, runOpts)
      for (const inv of invocations) results.set(inv.instanceId, toResult(inv))
      for (const id of batch) {
        if (!results.has(id)) results.set(id, {instanceId: id, status: 'failed', reason: 'no result from SSM', fields: {}})
      }
    }
  }
  const after = probe ? await probeFacts(runner, sendIds, plan.spec.path, opts) : {}
  if (probe) opts.onFacts?.('after', after)
  const path = plan.spec.path
  return plan.instances.map(p => {
    const r = results.get(p.instanceId)!
    return probe && p.command ? {...r, before: mountStateAt(before[p.instanceId], path), after: mountStateAt(after[p.instanceId], path)} : r
  })
}

/** 1 when any instance failed or was refused or skipped; 0 when every instance is applied or unchanged. */
export function mountExitCode(results: MountResult[]): 0 | 1 {
  return results.every(r => r.status === 'applied' || r.status === 'unchanged') ? 0 : 1
}

export function describeState(s: MountState | undefined): string {
  if (!s) return '-'
  if (!s.known) return `unknown${s.detail ? ` (${s.detail})` : ''}`
  const fstab = s.fstab ? ', in fstab' : ', not in fstab'
  return s.mounted ? `mounted ${s.fstype} ${s.source}${fstab}` : `not mounted${fstab}`
}

/** Per-instance result table (plain text, no colour) and a one-line summary. */
export function renderMountResults(results: MountResult[], plan?: MountPlan): string {
  const choice = new Map(plan?.instances.map(p => [p.instanceId, p.choice]) ?? [])
  const table = new Table({head: ['Instance', 'AZ / target', 'Result', 'Details', 'Before → after'], style: {head: [], border: []},
    wordWrap: true, colWidths: [21, 24, 11, 40, 36]})
  for (const r of results) {
    const c = choice.get(r.instanceId)
    const where = c ? [c.azName ?? c.azId, c.target ?? (c.kind === 'none' ? 'resolved on host' : undefined)].filter(Boolean).join(' ') : ''
    const fields = Object.entries(r.fields).map(([k, v]) => `${k}=${v}`).join(' ')
    const change = r.before || r.after ? `${describeState(r.before)} → ${describeState(r.after)}` : '-'
    table.push([r.instanceId, where || '-', r.status, [fields, r.reason].filter(Boolean).join(' — ') || '-', change])
  }
  const count = (s: MountStatus) => results.filter(r => r.status === s).length
  const summary = `${count('applied')} applied, ${count('unchanged')} unchanged, ${count('refused')} refused, ` +
    `${count('failed')} failed, ${count('skipped')} skipped${count('unknown') ? `, ${count('unknown')} unknown` : ''}`
  return `${table.toString()}\n${summary}\n${unreadNotes(results).map(l => `${l}\n`).join('')}`
}

/** For results that could not be read: the command may still run on the host; how to look it up. */
export function unreadNotes(results: MountResult[]): string[] {
  const ids = [...new Set(results.filter(r => r.status === 'unknown' && r.fields.commandId).map(r => r.fields.commandId))]
  return ids.map(id => `note: the command may still be running on the host; look it up with: ${shellCommand(['aws', 'ssm', 'list-command-invocations', '--command-id', id, '--details'])}`)
}
