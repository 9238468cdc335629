/**
 * EFSDOCTOR_TIMING=1: a per-phase breakdown of one run on stderr (start-up, discovery, checks, render, total), so
 * anyone can see where the time goes, with the resident set size at the end of each phase (on a VM, touching fresh
 * memory is a large part of the time: ~3 ms per MB measured on the 2-core bench machine). Start-up is from process
 * start (process.uptime) to the command's run. The last column is the phase's minor page faults (first touches of
 * memory), which on such a VM cost about as much as the work itself.
 */
export interface PhaseTimer {
  /** Ends the phase running since the previous mark (or since start-up) under `name`. */
  mark(name: string): void
  /** The breakdown as lines (empty when timing is off). */
  lines(): string[]
}

/**
 * Milliseconds since the process started. Not performance.now(): Node loads perf_hooks (about ten modules, ~1.3 ms)
 * the first time a run reads the `performance` global.
 */
export const sinceStart = (): number => process.uptime() * 1000

/** How the code was loaded, when bin/run.js says (the replay bundle: `code cache` or `compiled`), shown on the start-up row. */
let loadedFrom: string | undefined

export function noteCodeLoad(how: string): void {
  loadedFrom = how
}

export function phaseTimer(enabled = process.env.EFSDOCTOR_TIMING === '1', now = sinceStart, residentBytes = (): number => process.memoryUsage.rss(),
  pageFaults = (): number => process.resourceUsage().minorPageFault): PhaseTimer {
  const start = now()
  let last = start
  const rss = (): number => enabled ? residentBytes() : 0
  const faults = (): number => enabled ? pageFaults() : 0
  let lastFaults = faults()
  const phases: [string, number, number, number][] = [[loadedFrom ? `start-up (${loadedFrom})` : 'start-up', start, rss(), lastFaults]]
  const row = (name: string, ms: number): [string, number, number, number] => {
    const f = faults()
    const out: [string, number, number, number] = [name, ms, rss(), f - lastFaults]
    lastFaults = f
    return out
  }
  return {
    mark(name) {
      const t = now()
      phases.push(row(name, t - last))
      last = t
    },
    lines() {
      if (!enabled) return []
      const total = phases.reduce((sum, p) => sum + p[3], 0)
      const rows = [...phases, ['total', last, rss(), total] as const]
      return rows.map(([name, ms, bytes, n]) =>
        `efsdoctor timing: ${name.padEnd(23)} ${ms.toFixed(0).padStart(6)} ms  ${(bytes / 2 ** 20).toFixed(0).padStart(4)} MB RSS  ${String(n).padStart(6)} page faults`)
    },
  }
}
