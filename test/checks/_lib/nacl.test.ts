import {evaluateNacl, naclForSubnet} from '../../../src/checks/_lib/nacl.js'
import type {NaclEntry, NetworkAcl} from '../../../src/model/snapshot.js'
import {healthy, IDS} from '../../support/snapshot-builder.js'

const e = (ruleNumber: number, egress: boolean, action: 'allow' | 'deny', cidr: string, portRange?: {from: number; to: number}, protocol = '6'): NaclEntry =>
  ({ruleNumber, egress, action, cidr, portRange, protocol})
const acl = (entries: NaclEntry[]): NetworkAcl => ({id: 'acl-1', vpcId: 'vpc-1', subnetIds: [], entries})

describe('evaluateNacl', () => {
  it('allows when the range is fully covered by allow rules before any deny', () => {
    const a = acl([e(100, true, 'allow', '10.0.0.0/16', {from: 2049, to: 2049})])
    expect(evaluateNacl(a, true, '10.0.1.5', [2049, 2049])).toEqual({allowed: true})
  })
  it('first match wins: a lower-numbered deny beats a later allow', () => {
    const a = acl([e(200, false, 'allow', '0.0.0.0/0', undefined, '-1'), e(90, false, 'deny', '10.0.2.0/24', {from: 2049, to: 2049})])
    expect(evaluateNacl(a, false, '10.0.2.9', [2049, 2049])).toEqual({allowed: false, rule: 90, ports: [2049, 2049]})
    expect(evaluateNacl(a, false, '10.0.3.9', [2049, 2049])).toEqual({allowed: true})
  })
  it('reports the implicit deny and the uncovered ports for a partial range', () => {
    const a = acl([e(100, true, 'allow', '0.0.0.0/0', {from: 1024, to: 65535})])
    expect(evaluateNacl(a, true, '10.0.0.1', [665, 1023])).toEqual({allowed: false, rule: '*', ports: [665, 1023]})
    expect(evaluateNacl(a, true, '10.0.0.1', [32768, 60999])).toEqual({allowed: true})
    expect(evaluateNacl(a, false, '10.0.0.1', [32768, 60999]).allowed).toBe(false)
  })
  it('matches IPv6 peers only against IPv6 entries, and skips udp', () => {
    const a = acl([{ruleNumber: 100, egress: true, action: 'allow', protocol: '6', ipv6Cidr: '::/0'}, e(110, true, 'allow', '0.0.0.0/0', undefined, '17')])
    expect(evaluateNacl(a, true, '2600::1', [2049, 2049]).allowed).toBe(true)
    expect(evaluateNacl(a, true, '10.0.0.1', [2049, 2049]).allowed).toBe(false)
  })
})

describe('naclForSubnet', () => {
  it('uses the association, else the VPC default ACL', () => {
    const s = healthy()
    expect(naclForSubnet(s, IDS.subnets.a)?.id).toBe(IDS.nacl)
    s.networkAcls![0].subnetIds = []
    s.networkAcls!.push({id: 'acl-custom', vpcId: IDS.vpc, subnetIds: [IDS.subnets.b], isDefault: false, entries: []})
    expect(naclForSubnet(s, IDS.subnets.a)?.id).toBe(IDS.nacl)
    expect(naclForSubnet(s, IDS.subnets.b)?.id).toBe('acl-custom')
  })
})
