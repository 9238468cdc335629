/** EFSDOCTOR_TIMING=1: the phase breakdown adds up, and prints nothing when off. */
import {phaseTimer} from '../src/timing.js'

describe('phaseTimer', () => {
  it('reports start-up, each phase since the previous mark, and the total', () => {
    const clock = [100, 130, 190, 200]
    const t = phaseTimer(true, () => clock.shift()!)
    t.mark('read --from')
    t.mark('checks')
    t.mark('render')
    const lines = t.lines()
    expect(lines.map(l => l.replace(/ +\d+ MB RSS +\d+ page faults$/, '').replace(/ +/g, ' '))).toEqual([
      'efsdoctor timing: start-up 100 ms', 'efsdoctor timing: read --from 30 ms',
      'efsdoctor timing: checks 60 ms', 'efsdoctor timing: render 10 ms', 'efsdoctor timing: total 200 ms'])
  })

  it("gives the resident set size at the end of each phase (by default the process's own)", () => {
    const clock = [100, 130, 190]
    const rss = [40, 72, 75, 75].map(mb => mb * 2 ** 20)
    const t = phaseTimer(true, () => clock.shift()!, () => rss.shift()!, () => 0)
    t.mark('read --from')
    t.mark('checks')
    expect(t.lines().map(l => l.replace(/ +0 page faults$/, '').replace(/ +/g, ' '))).toEqual([
      'efsdoctor timing: start-up 100 ms 40 MB RSS', 'efsdoctor timing: read --from 30 ms 72 MB RSS',
      'efsdoctor timing: checks 60 ms 75 MB RSS', 'efsdoctor timing: total 190 ms 75 MB RSS'])
    const real = phaseTimer(true)
    real.mark('checks')
    const mb = real.lines().map(l => Number(/(\d+) MB RSS/.exec(l)?.[1]))
    expect(mb.every(n => n >= Math.floor(process.memoryUsage.rss() / 2 ** 20 / 4))).toBe(true)
  })

  it('gives the minor page faults of each phase, and their sum as the total (by default the process\'s own)', () => {
    const clock = [100, 130, 190]
    const faults = [2000, 2500, 2600]
    const t = phaseTimer(true, () => clock.shift()!, () => 0, () => faults.shift()!)
    t.mark('read --from')
    t.mark('checks')
    expect(t.lines().map(l => Number(/(\d+) page faults$/.exec(l)?.[1]))).toEqual([2000, 500, 100, 2600])
    // By default the process's own count: start-up holds every fault since the process began (a Node process has
    // thousands), and a phase's count is never negative (memory the worker already touched may fault nothing).
    const real = phaseTimer(true)
    real.mark('a phase')
    const counts = real.lines().map(l => Number(/(\d+) page faults$/.exec(l)?.[1]))
    expect(counts[0]).toBeGreaterThan(100)
    expect(counts[1]).toBeGreaterThanOrEqual(0)
    expect(counts[2]).toBe(counts[0] + counts[1])
  })

  it('prints nothing unless enabled', () => {
    const t = phaseTimer(false)
    t.mark('checks')
    expect(t.lines()).toEqual([])
  })
})
