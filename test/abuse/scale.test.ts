/**
 * Item 6: checks are linear or n·log n in instances. Every check runs on a 20,000-instance cluster; each must stay
 * within a CPU-time bound that a quadratic check misses by far (efs/mount-target-same-vpc spread an array per
 * instance: 16 s at 20k). CPU time, not wall time, so the bound holds on a loaded machine.
 */
import {allChecks} from '../../src/checks/index.js'
import {runChecks} from '../../src/core/run-checks.js'
import {loadShellParserForSnapshot} from '../../src/core/shell-parser.js'
import {bigCluster} from '../support/big-cluster.js'

const cpuMs = (fn: () => void) => {
  const start = process.cpuUsage()
  fn()
  const d = process.cpuUsage(start)
  return (d.user + d.system) / 1000
}

describe('item 6: checks scale with the number of instances', () => {
  it('every check on 20,000 instances stays within its CPU-time bound', async () => {
    const s = bigCluster(20_000)
    await loadShellParserForSnapshot(s)
    const slow: string[] = []
    let total = 0
    for (const check of allChecks) {
      let findings = 0
      const ms = cpuMs(() => { findings = runChecks([check], s).findings.length })
      total += ms
      const bound = check.id === 'efs/mount-target-same-vpc' ? 2000 : 5000
      if (ms > bound) slow.push(`${check.id}: ${Math.round(ms)} ms (bound ${bound}, ${findings} findings)`)
    }
    expect(slow).toEqual([])
    expect(total).toBeLessThan(30_000)
  })
})
