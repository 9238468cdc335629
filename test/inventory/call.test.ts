import {UsageError} from '../../src/core/errors.js'
import {Calls, RoundCounter, chunk, limiter, mapLimit, paginate} from '../../src/inventory/call.js'

describe('paginate', () => {
  it('follows tokens to the end and stops on a repeated token', async () => {
    const pages: Record<string, {items: number[]; next?: string}> = {'': {items: [1, 2], next: 'a'}, a: {items: [3], next: 'b'}, b: {items: [4]}}
    const r = await paginate(async (t?: string) => pages[t ?? ''], p => p.items, p => p.next)
    expect(r).toEqual({items: [1, 2, 3, 4], complete: true, failedFirst: false})
    const stuck = await paginate(async (t?: string) => ({items: [t ?? '-'], next: 'same'}), p => p.items, p => p.next)
    expect(stuck).toEqual({items: ['-', 'same'], complete: false, failedFirst: false})
  })
})

describe('Calls', () => {
  it('records a gap for an ordinary failure and rethrows fatal ones as UsageError', async () => {
    const calls = new Calls({region: 'eu-west-1'})
    const denied = Object.assign(new Error('User is not authorized\nsecond line'), {name: 'AccessDeniedException'})
    expect(await calls.call('subnets', 'ec2:DescribeSubnets', () => Promise.reject(denied), {resourceIds: ['subnet-1']})).toBeUndefined()
    expect(calls.gaps).toEqual([{part: 'subnets', action: 'ec2:DescribeSubnets', code: 'AccessDeniedException', message: 'User is not authorized', resourceIds: ['subnet-1']}])
    const expired = Object.assign(new Error('The security token included in the request is expired'), {name: 'ExpiredToken'})
    await expect(calls.call('subnets', 'ec2:DescribeSubnets', () => Promise.reject(expired))).rejects.toBeInstanceOf(UsageError)
    expect(calls.log).toEqual(['ec2:DescribeSubnets', 'ec2:DescribeSubnets'])
  })
})

describe('RoundCounter', () => {
  it('counts the longest chain of calls that waited on each other', () => {
    const r = new RoundCounter()
    r.onCall({id: 1, action: 'a', phase: 'start'})
    r.onCall({id: 2, action: 'b', phase: 'start'})
    r.onCall({id: 1, action: 'a', phase: 'end', ok: true})
    r.onCall({id: 3, action: 'c', phase: 'start'}) // after a: depth 2
    r.onCall({id: 2, action: 'b', phase: 'end', ok: true})
    r.onCall({id: 3, action: 'c', phase: 'end', ok: true})
    r.onCall({id: 4, action: 'd', phase: 'start'}) // after c: depth 3
    expect(r.rounds).toBe(3)
  })
})

describe('chunk / mapLimit', () => {
  it('splits and bounds concurrency, keeping order', async () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
    let inFlight = 0
    let peak = 0
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async x => {
      peak = Math.max(peak, ++inFlight)
      await new Promise(r => setTimeout(r, x))
      inFlight--
      return x * 10
    })
    expect(out).toEqual([50, 10, 40, 20, 30])
    expect(peak).toBe(2)
  })

  it('limiter bounds calls started one by one, even as slots are handed over, and passes results and errors through', async () => {
    const limit = limiter(2)
    let inFlight = 0
    let peak = 0
    const job = (ms: number, fail = false) => limit(async () => {
      peak = Math.max(peak, ++inFlight)
      await new Promise(r => setTimeout(r, ms))
      inFlight--
      if (fail) throw new Error(`boom ${ms}`)
      return ms
    })
    const started = [job(5), job(1, true), job(3), job(2), job(4)]
    const late = new Promise(r => setTimeout(r, 2)).then(() => job(1))
    const settled = await Promise.allSettled([...started, late])
    expect(settled.map(x => (x.status === 'fulfilled' ? x.value : (x.reason as Error).message))).toEqual([5, 'boom 1', 3, 2, 4, 1])
    expect(peak).toBe(2)
  })
})
