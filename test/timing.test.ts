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
    expect(lines.map(l => l.replace(/ +\d+ MB RSS$/, '').replace(/ +/g, ' '))).toEqual([
      'efsdoctor timing: start-up 100 ms', 'efsdoctor timing: read --from 30 ms',
      'efsdoctor timing: checks 60 ms', 'efsdoctor timing: render 10 ms', 'efsdoctor timing: total 200 ms'])
  })

  it('gives the resident set size at the end of each phase', () => {
    const t = phaseTimer(true)
    const held = Buffer.alloc(32 * 2 ** 20, 1)
    t.mark('checks')
    const mb = t.lines().map(l => Number(/(\d+) MB RSS$/.exec(l)?.[1]))
    expect(mb.every(n => n > 0)).toBe(true)
    expect(mb[1]).toBeGreaterThanOrEqual(mb[0] + 30)
    expect(held.length).toBeGreaterThan(0)
  })

  it('prints nothing unless enabled', () => {
    const t = phaseTimer(false)
    t.mark('checks')
    expect(t.lines()).toEqual([])
  })
})
