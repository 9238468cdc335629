import {cidrContains, describeUnresolved, evaluateSgs, ruleCoversTcpPort, snapshotSgVerdict} from '../../../src/checks/_lib/security-groups.js'
import {withMemo} from '../../../src/core/memo.js'
import type {SecurityGroup, Snapshot, SgRule} from '../../../src/model/snapshot.js'
import {healthy} from '../../support/snapshot-builder.js'

const rule = (r: Partial<SgRule>): SgRule => ({protocol: 'tcp', fromPort: 2049, toPort: 2049, ipv4Cidrs: [], ipv6Cidrs: [], groupIds: [], prefixListIds: [], ...r})
const sg = (id: string, ingress: SgRule[], egress: SgRule[] = []): SecurityGroup => ({id, ingress, egress})

describe('ruleCoversTcpPort', () => {
  it('accepts tcp/6 ranges that include 2049 and all-traffic', () => {
    expect(ruleCoversTcpPort(rule({}))).toBe(true)
    expect(ruleCoversTcpPort(rule({protocol: '6', fromPort: 0, toPort: 65535}))).toBe(true)
    expect(ruleCoversTcpPort(rule({protocol: '-1', fromPort: undefined, toPort: undefined}))).toBe(true)
  })
  it('rejects udp, and tcp ranges that miss 2049', () => {
    expect(ruleCoversTcpPort(rule({protocol: 'udp'}))).toBe(false)
    expect(ruleCoversTcpPort(rule({fromPort: 2050, toPort: 3000}))).toBe(false)
    expect(ruleCoversTcpPort(rule({fromPort: 111, toPort: 2048}))).toBe(false)
  })
})

describe('cidrContains', () => {
  it('matches IPv4 and IPv6 by family', () => {
    expect(cidrContains('10.20.0.0/22', '10.20.3.255')).toBe(true)
    expect(cidrContains('10.20.0.0/22', '10.20.4.0')).toBe(false)
    expect(cidrContains('2600:1f18::/56', '2600:1f18:0:ff::1')).toBe(true)
    expect(cidrContains('2600:1f18::/56', '10.20.0.1')).toBe(false)
    expect(cidrContains('0.0.0.0/0', '::ffff:10.0.0.1')).toBe(true)
  })
  it('returns false on garbage instead of throwing', () => {
    expect(cidrContains('not-a-cidr', '10.0.0.1')).toBe(false)
    expect(cidrContains('10.0.0.0/8', 'nope')).toBe(false)
  })
})

describe('evaluateSgs', () => {
  const groups = {
    'sg-efs': sg('sg-efs', [rule({groupIds: ['sg-host']}), rule({ipv4Cidrs: ['10.0.1.0/24']})]),
    'sg-pl': sg('sg-pl', [rule({prefixListIds: ['pl-1']})]),
  }
  it('admits by group reference and by CIDR, naming the rule', () => {
    expect(evaluateSgs(['sg-efs'], groups, 'ingress', {ips: ['10.9.9.9'], groupIds: ['sg-host']}).allowedBy)
      .toEqual({groupId: 'sg-efs', source: 'sg-host'})
    expect(evaluateSgs(['sg-efs'], groups, 'ingress', {ips: ['10.0.1.5'], groupIds: ['sg-other']}).allowedBy)
      .toEqual({groupId: 'sg-efs', source: '10.0.1.0/24'})
  })
  it('blocks an IP outside every CIDR with no shared group', () => {
    expect(evaluateSgs(['sg-efs'], groups, 'ingress', {ips: ['10.0.2.5'], groupIds: ['sg-other']}).status).toBe('blocked')
  })
  it('is unknown for prefix lists and missing groups, unless another rule admits', () => {
    const v = evaluateSgs(['sg-pl', 'sg-gone'], groups, 'ingress', {ips: ['10.0.2.5'], groupIds: []})
    expect(v.status).toBe('unknown')
    expect(v.unresolvedPrefixLists).toEqual(['pl-1'])
    expect(v.missingGroupIds).toEqual(['sg-gone'])
    expect(evaluateSgs(['sg-pl', 'sg-efs'], groups, 'ingress', {ips: ['10.0.1.5']}).status).toBe('allowed')
  })
  it('is unknown when only a group reference could match and the peer groups are unknown', () => {
    expect(evaluateSgs(['sg-efs'], groups, 'ingress', {ips: ['10.0.2.5']}).status).toBe('unknown')
  })
  it('is unknown, not blocked, when only CIDR rules could match and the peer IPs are unknown', () => {
    const g = {'sg-x': sg('sg-x', [], [rule({protocol: '-1', ipv4Cidrs: ['0.0.0.0/0']})])}
    const v = evaluateSgs(['sg-x'], g, 'egress', {ips: [], groupIds: ['sg-mt']})
    expect(v.status).toBe('unknown')
    expect(v.unresolvedCidrs).toEqual(['0.0.0.0/0'])
    expect(describeUnresolved(v)).toContain('0.0.0.0/0')
    expect(evaluateSgs(['sg-x'], {'sg-x': sg('sg-x', [], [rule({groupIds: ['sg-mt']})])}, 'egress', {ips: [], groupIds: ['sg-mt']}).status).toBe('allowed')
  })
  it('looks only at the requested direction', () => {
    const g = {'sg-x': sg('sg-x', [], [rule({protocol: '-1', ipv4Cidrs: ['0.0.0.0/0']})])}
    expect(evaluateSgs(['sg-x'], g, 'egress', {ips: ['10.0.0.1']}).status).toBe('allowed')
    expect(evaluateSgs(['sg-x'], g, 'ingress', {ips: ['10.0.0.1']}).status).toBe('blocked')
  })
})

describe('snapshotSgVerdict', () => {
  it('answers each question once per run, and never gives one question the answer of another', () => {
    const groups = {
      'sg-efs': sg('sg-efs', [rule({groupIds: ['sg-host']}), rule({ipv4Cidrs: ['10.0.1.0/24']})]),
      'sg a': sg('sg a', [rule({ipv4Cidrs: ['0.0.0.0/0']})]),
    }
    const s: Snapshot = withMemo({...healthy(), securityGroups: groups})
    const ask = (gids: string[], ips: string[], peerGroups?: string[]) => snapshotSgVerdict(s, gids, 'ingress', {ips, groupIds: peerGroups})
    const inside = ask(['sg-efs'], ['10.0.1.5'], ['sg-other'])
    expect(inside.allowedBy).toEqual({groupId: 'sg-efs', source: '10.0.1.0/24'})
    expect(ask(['sg-efs'], ['10.0.1.5'], ['sg-other'])).toBe(inside)
    for (const [gids, ips, peer] of [[['sg-efs'], ['10.0.2.5'], ['sg-other']], [['sg-efs'], ['10.0.2.5'], undefined], [['sg-efs'], ['10.0.2.5'], []],
      [['sg-efs'], ['10.0.2.5'], ['sg-host']], [['sg', 'a'], ['10.0.2.5'], []], [['sg a'], ['10.0.2.5'], []]] as [string[], string[], string[] | undefined][]) {
      expect(ask(gids, ips, peer)).toEqual(evaluateSgs(gids, groups, 'ingress', {ips, groupIds: peer}))
    }
    expect(snapshotSgVerdict(s, ['sg-efs'], 'egress', {ips: ['10.0.1.5'], groupIds: ['sg-other']}).status).toBe('blocked')
  })
})
