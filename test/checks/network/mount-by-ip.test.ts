/**
 * Hosts whose UserData mounts EFS by a mount target's IP rather than by file-system id or DNS name: their NFS traffic
 * goes to that mount target, whatever AZ it is in, so the network checks must judge the path to it, not to the mount
 * target of the host's own AZ (which they never use). Before, a host in AZ b mounting the AZ-a target passed while
 * its mount timed out.
 */
import {clientSgEgressNfs} from '../../../src/checks/network/client-sg-egress-nfs.js'
import {mountTargetSgAllowsNfs} from '../../../src/checks/network/mount-target-sg-allows-nfs.js'
import {naclAllowsNfs} from '../../../src/checks/network/nacl-allows-nfs.js'
import {port2049Reachable} from '../../../src/checks/host/port-2049-reachable.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Check} from '../../../src/core/types.js'
import type {SgRule, Snapshot} from '../../../src/model/snapshot.js'
import {MT_IP, withHostFacts} from '../../support/host-facts.js'
import {IDS, withFault} from '../../support/snapshot-builder.js'

const MT_A_SG = 'sg-0aaaa00000000000a'
const rule = (r: Partial<SgRule>): SgRule => ({protocol: 'tcp', fromPort: 2049, toPort: 2049, ipv4Cidrs: [], ipv6Cidrs: [], groupIds: [], prefixListIds: [], ...r})

const script = (body: string) => `#!/bin/bash\nyum install -y nfs-utils\nmkdir -p /mnt/efs\n${body}\n`

/**
 * healthy.json where mount target a has a security group of its own that admits only subnet a (10.20.0.0/22), and the
 * hosts' UserData is `body`. Mount targets b and c keep the shared group, which admits the hosts' group.
 */
function cluster(body: string, mutate: (s: Snapshot) => void = () => {}): Snapshot {
  return withFault(s => {
    s.securityGroups![MT_A_SG] = {...s.securityGroups![IDS.efsSg], id: MT_A_SG, ingress: [rule({ipv4Cidrs: ['10.20.0.0/22']})]}
    s.mountTargets!.find(mt => mt.id === IDS.mountTargets.a)!.securityGroupIds = [MT_A_SG]
    s.userData![0].text = script(body)
    mutate(s)
  })
}

const statuses = (check: Check, s: Snapshot) => Object.fromEntries(runChecks([check], s).findings.map(f => [f.resource.id, f.status]))
const [a1, a2, b1, b2, c1, c2] = IDS.instances

describe('hosts that mount EFS by a mount-target IP', () => {
  const byIpA = 'echo "10.20.1.25:/ /mnt/efs nfs4 nfsvers=4.1,_netdev,noresvport 0 0" >> /etc/fstab\nmount -a -t nfs4'

  it('judges the security group of the mount target named by IP, not the one of the host\'s AZ', () => {
    const s = cluster(byIpA)
    expect(statuses(mountTargetSgAllowsNfs, s)).toEqual({[a1]: 'pass', [a2]: 'pass', [b1]: 'fail', [b2]: 'fail', [c1]: 'fail', [c2]: 'fail'})
    const f = runChecks([mountTargetSgAllowsNfs], s, {}).findings.find(x => x.resource.id === b1)!
    expect(f.message).toContain(IDS.mountTargets.a)
    expect(f.message).toContain(`through ${IDS.mountTargets.a} (10.20.1.25, eu-west-1a), which it names itself`)
    expect(f.fix?.command).toContain(`--group-id ${MT_A_SG}`)
    // The same cluster mounting by file-system id: each host uses its own AZ's target, which admits it.
    expect(Object.values(statuses(mountTargetSgAllowsNfs, cluster(`mount -t efs -o tls ${IDS.fs}:/ /mnt/efs`)))).toEqual(Array(6).fill('pass'))
  })

  it('reads efs-utils mounttargetip= the same way', () => {
    const s = cluster(`mount -t efs -o tls,mounttargetip=10.20.1.25 ${IDS.fs}:/ /mnt/efs`)
    expect(statuses(mountTargetSgAllowsNfs, s)[b1]).toBe('fail')
    expect(statuses(mountTargetSgAllowsNfs, s)[a1]).toBe('pass')
  })

  it('reads the AZ-specific DNS name and efs-utils az= the same way (the mount target of that AZ)', () => {
    for (const body of [
      `echo "eu-west-1a.${IDS.fs}.efs.eu-west-1.amazonaws.com:/ /mnt/efs nfs4 nfsvers=4.1,_netdev,noresvport 0 0" >> /etc/fstab\nmount -a -t nfs4`,
      `echo "${IDS.fs}:/ /mnt/efs efs _netdev,tls,az=eu-west-1a 0 0" >> /etc/fstab\nmount -a -t efs`,
    ]) {
      // Mount target a admits only subnet a: the hosts of b and c, which go to it too, are refused.
      expect(statuses(mountTargetSgAllowsNfs, cluster(body))).toEqual({[a1]: 'pass', [a2]: 'pass', [b1]: 'fail', [b2]: 'fail', [c1]: 'fail', [c2]: 'fail'})
      // Mount target a admits everyone, b and c nobody: every host passes (none of them goes to b or c).
      const open = cluster(body, x => {
        x.securityGroups![MT_A_SG].ingress = [rule({groupIds: [IDS.hostSg]})]
        x.securityGroups![IDS.efsSg].ingress = []
      })
      expect(Object.values(statuses(mountTargetSgAllowsNfs, open))).toEqual(Array(6).fill('pass'))
    }
  })

  it('keeps each host on its own AZ when the script names a target in every AZ (picked at boot)', () => {
    const pick = 'case "$AZ" in\n  eu-west-1a) IP=10.20.1.25 ;;\n  eu-west-1b) IP=10.20.5.25 ;;\nesac\n' +
      'mount -t nfs4 -o nfsvers=4.1 10.20.1.25:/ /mnt/efs || mount -t nfs4 -o nfsvers=4.1 10.20.5.25:/ /mnt/efs'
    const s = cluster(pick)
    // a and b hosts: a target of their AZ is named, so their own stands (subnet a's CIDR admits a; b's group admits b).
    // c hosts name none of their AZ and two elsewhere: which one they use cannot be told.
    expect(statuses(mountTargetSgAllowsNfs, s)).toEqual({[a1]: 'pass', [a2]: 'pass', [b1]: 'pass', [b2]: 'pass', [c1]: 'unknown', [c2]: 'unknown'})
    const u = runChecks([mountTargetSgAllowsNfs], s).findings.find(x => x.resource.id === c1)!
    expect(u.message).toContain(`one of ${IDS.mountTargets.a} (10.20.1.25, eu-west-1a), ${IDS.mountTargets.b} (10.20.5.25, eu-west-1b)`)
    expect(u.message).toContain('names mount targets of')
  })

  it('checks the hosts\' egress and the NACLs towards that target', () => {
    // Egress only to subnet a: fine for a host that mounts 10.20.1.25, whatever its AZ.
    const s = cluster(byIpA, x => {
      x.securityGroups![MT_A_SG].ingress = [rule({groupIds: [IDS.hostSg]})]
      x.securityGroups![IDS.hostSg].egress = [rule({ipv4Cidrs: ['10.20.0.0/22']})]
    })
    expect(Object.values(statuses(clientSgEgressNfs, s))).toEqual(Array(6).fill('pass'))
    // By file-system id, the b and c hosts' egress to their own targets is not allowed.
    const byId = cluster(`mount -t efs -o tls ${IDS.fs}:/ /mnt/efs`, x => { x.securityGroups![IDS.hostSg].egress = [rule({ipv4Cidrs: ['10.20.0.0/22']})] })
    expect(statuses(clientSgEgressNfs, byId)[b1]).toBe('fail')
    expect(Object.values(statuses(naclAllowsNfs, s)).every(v => v === 'pass')).toBe(true)
  })

  it('judges the probe\'s connect to the target named by IP', () => {
    const s = withHostFacts(cluster(byIpA))
    // The probe connects to every mount target: a b host reaches its own AZ's target but not 10.20.1.25.
    s.hostFacts![b1].facts!.tcp = [{ip: MT_IP[b1], port: 2049, status: 'open'}, {ip: '10.20.1.25', port: 2049, status: 'timeout'}]
    const f = runChecks([port2049Reachable], s).findings.filter(x => x.resource.id === b1)
    expect(f.map(x => [x.status, x.evidence?.ip])).toEqual([['fail', '10.20.1.25']])
  })
})
