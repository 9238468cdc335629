import {nfsPairs, perServedPair} from '../../../src/checks/_lib/nfs-pairs.js'
import {pass} from '../../../src/core/define-check.js'
import {IDS, withFault} from '../../support/snapshot-builder.js'

describe('perServedPair', () => {
  it('skips pairs whose AZ has no mount target and asks about every other pair, in nfsPairs order', () => {
    const s = withFault(x => { x.mountTargets = x.mountTargets!.filter(m => m.id !== IDS.mountTargets.b) })
    const pairs = nfsPairs(s)
    const out = perServedPair(s, (fs, i, mt, r) => {
      expect(r).toEqual({type: 'ec2-instance', id: i.id})
      return pass(r, `${fs.id} ${i.id} ${mt.id}`)
    })
    expect(out).toHaveLength(pairs.length)
    const unserved = pairs.filter(p => !p.mt)
    expect(unserved.length).toBeGreaterThan(0)
    out.forEach((o, n) => {
      const p = pairs[n]
      expect(o.resource.id).toBe(p.instance.id)
      if (p.mt) expect(o).toMatchObject({status: 'pass', message: `${p.fs.id} ${p.instance.id} ${p.mt.id}`})
      else expect(o).toMatchObject({status: 'skipped', message: expect.stringContaining('see efs/mount-target-per-az')})
    })
  })
})

describe('nfsPairs AZ matching', () => {
  it('serves no mount target to an instance whose AZ is unknown (subnet not read, no AZ name) rather than the first one', () => {
    const s = withFault(x => {
      const i = x.instances![IDS.instances[0]]
      delete x.subnets![i.subnetId!]
      delete i.azName
      for (const mt of x.mountTargets!) delete mt.azName
    })
    const pair = nfsPairs(s).find(p => p.instance.id === IDS.instances[0])!
    expect(pair.mt).toBeUndefined()
  })
})
