import {perProbedHost} from '../../../src/checks/_lib/host.js'
import {pass} from '../../../src/core/define-check.js'
import {withHostFacts} from '../../support/host-facts.js'
import {IDS} from '../../support/snapshot-builder.js'

describe('perProbedHost', () => {
  it('puts the unknown of each unprobed host first, then every host outcome in instance order', () => {
    const s = withHostFacts()
    delete s.hostFacts![IDS.instances[1]]
    const seen: string[] = []
    const out = perProbedHost(s, (i, f, r) => {
      seen.push(i.id)
      expect(f).toBe(s.hostFacts![i.id].facts)
      expect(r).toEqual({type: 'ec2-instance', id: i.id})
      return i.id === IDS.instances[0] ? [pass(r, 'a'), pass(r, 'b')] : pass(r, 'c')
    })
    expect(seen).not.toContain(IDS.instances[1])
    expect(out[0].status).toBe('unknown')
    expect(out[0].resource.id).toBe(IDS.instances[1])
    expect(out[0].message).toContain('it was not probed')
    expect(out.slice(1).map(o => o.message)).toEqual(['a', 'b', ...seen.slice(1).map(() => 'c')])
    expect(seen[0]).toBe(IDS.instances[0])
  })
})
