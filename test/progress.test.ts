import {jest} from '@jest/globals'
import {runSteps} from '../src/progress.js'

describe('runSteps', () => {
  it('runs the steps in order without a terminal', async () => {
    const order: string[] = []
    await runSteps([{title: 'a', run: async () => { order.push('a') }}, {title: 'b', run: async () => { order.push('b') }}], false)
    expect(order).toEqual(['a', 'b'])
  })

  it('with progress on, writes nothing to stdout and stops at the first failing step', async () => {
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const ran: string[] = []
    try {
      await expect(runSteps([
        {title: 'Discover the cluster', run: async () => { ran.push('one') }},
        {title: 'Read security groups', run: async () => { throw new Error('cluster "x" not found') }},
        {title: 'Never', run: async () => { ran.push('three') }},
      ], true)).rejects.toThrow('cluster "x" not found')
      expect(out).not.toHaveBeenCalled()
      expect(err.mock.calls.map(c => String(c[0])).join('')).toContain('Discover the cluster')
    } finally {
      out.mockRestore()
      err.mockRestore()
    }
    expect(ran).toEqual(['one'])
  })
})
