import {mountTargetPerAz} from '../../../src/checks/efs/mount-target-per-az.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Finding} from '../../../src/core/types.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {bootOther, OTHER, OTHER_USER_DATA, withOtherTeamFs} from '../../support/other-team-fs.js'
import {denied, healthy, IDS, withFault} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([mountTargetPerAz], s).findings
const forAz = (s: Snapshot, az: string) => run(s).filter(f => f.evidence?.azId === az)

describe('efs/mount-target-per-az', () => {
  it('passes one outcome per AZ id in the healthy cluster', () => {
    const f = run(healthy())
    expect(f.map(x => [x.status, x.evidence?.azId])).toEqual([['pass', 'euw1-az1'], ['pass', 'euw1-az2'], ['pass', 'euw1-az3']])
  })

  it('fails the AZ whose mount target is missing, naming its instances and a create command', () => {
    const s = withFault(x => { x.mountTargets = x.mountTargets!.filter(mt => mt.id !== IDS.mountTargets.b) })
    const [f] = forAz(s, 'euw1-az1')
    expect(f.status).toBe('fail')
    expect(f.message).toContain(IDS.instances[2])
    expect(f.message).toContain(IDS.instances[3])
    expect(f.fix?.command).toBe(`aws efs create-mount-target --file-system-id ${IDS.fs} --subnet-id ${IDS.subnets.b} --security-groups ${IDS.efsSg} --region eu-west-1`)
    expect(run(s).filter(x => x.status === 'pass')).toHaveLength(2)
  })

  it('compares AZ ids, not names', () => {
    // Same AZ name, different id: the mount target is not in the instances' AZ.
    const s = withFault(x => { x.mountTargets![0].azId = 'euw1-az9' })
    expect(forAz(s, 'euw1-az3')[0].status).toBe('fail')
  })

  it('fails an ASG subnet AZ with no instances yet (future scale-out)', () => {
    const s = withFault(x => {
      x.subnets!['subnet-0dd4440000000000d'] = {id: 'subnet-0dd4440000000000d', vpcId: IDS.vpc, azName: 'eu-west-1d', azId: 'euw1-az4'}
      x.autoScalingGroups![0].subnetIds.push('subnet-0dd4440000000000d')
    })
    const [f] = forAz(s, 'euw1-az4')
    expect(f.status).toBe('fail')
    expect(f.message).toContain('ASG subnets subnet-0dd4440000000000d')
    expect(f.fix?.command).toContain('--subnet-id subnet-0dd4440000000000d')
  })

  it('fails instances outside a One Zone file system\'s AZ', () => {
    const s = withFault(x => {
      Object.assign(x.fileSystems![0], {availabilityZoneId: 'euw1-az3', availabilityZoneName: 'eu-west-1a'})
      x.mountTargets = [x.mountTargets![0]]
    })
    const f = run(s)
    expect(forAz(s, 'euw1-az3')[0].status).toBe('pass')
    const b = forAz(s, 'euw1-az1')[0]
    expect(b.status).toBe('fail')
    expect(b.message).toMatch(/One Zone/)
    expect(f.filter(x => x.status === 'fail')).toHaveLength(2)
  })

  it('does not ask for a mount target in AZs whose hosts name the one they use (efs-utils az=, as its own fix says)', () => {
    const oneZone = (text?: string) => withFault(x => {
      Object.assign(x.fileSystems![0], {availabilityZoneId: 'euw1-az3', availabilityZoneName: 'eu-west-1a'})
      x.mountTargets = [x.mountTargets![0]]
      if (text) x.userData![0].text = text
    })
    const named = `#!/bin/bash\nyum install -y amazon-efs-utils\nmkdir -p /mnt/efs\necho "${IDS.fs}:/ /mnt/efs efs _netdev,nofail,tls,az=eu-west-1a 0 0" >> /etc/fstab\nmount -a -t efs\n`
    const f = run(oneZone(named))
    expect(f.map(x => x.status)).toEqual(['pass'])
    expect(f[0].message).toContain('names the mount target it mounts in its UserData')
    expect(run(oneZone(named.replace(',az=eu-west-1a', ''))).filter(f => f.status === 'fail')).toHaveLength(2)
  })

  it('ignores draining instances', () => {
    const s = withFault(x => {
      x.mountTargets = x.mountTargets!.filter(mt => mt.id !== IDS.mountTargets.c)
      x.autoScalingGroups = []
      for (const ci of x.containerInstances!.slice(4)) ci.status = 'DRAINING'
    })
    expect(run(s).every(f => f.status === 'pass')).toBe(true)
  })

  it('is unknown when the mount targets could not be described', () => {
    const [f] = run(denied(healthy(), 'mountTargets', 'elasticfilesystem:DescribeMountTargets'))
    expect(f.status).toBe('unknown')
  })

  it('adds an unknown (and still checks current instances) when the ASG call was denied', () => {
    const f = run(denied(healthy(), 'autoScalingGroups', 'autoscaling:DescribeAutoScalingGroups'))
    expect(f.filter(x => x.status === 'pass')).toHaveLength(3)
    const u = f.find(x => x.status === 'unknown')!
    expect(u.message).toContain('autoscaling:DescribeAutoScalingGroups')
  })

  it('is unknown for an instance whose subnet is missing from the snapshot', () => {
    const s = withFault(x => { x.instances![IDS.instances[0]].subnetId = 'subnet-0ee5550000000000e' })
    const u = run(s).find(x => x.status === 'unknown')!
    expect(u.message).toContain(IDS.instances[0])
  })

  describe('counts only the instances that use each file system (usage model)', () => {
    /**
     * The two hosts of AZ euw1-az1 (subnet b) boot from a script that mounts only OTHER and belong to their own Auto
     * Scaling group in subnet b; the file system of the healthy cluster has no mount target in that AZ.
     */
    const split = (): Snapshot => withFault(x => {
      bootOther(withOtherTeamFs(x), [IDS.instances[2], IDS.instances[3]])
      x.mountTargets = x.mountTargets!.filter(mt => mt.id !== IDS.mountTargets.b)
      const main = x.autoScalingGroups![0]
      main.subnetIds = [IDS.subnets.a, IDS.subnets.c]
      main.instanceIds = main.instanceIds.filter(i => i !== IDS.instances[2] && i !== IDS.instances[3])
      x.autoScalingGroups!.push({name: 'other-asg', subnetIds: [IDS.subnets.b], instanceIds: [IDS.instances[2], IDS.instances[3]], userDataId: OTHER_USER_DATA})
      for (const id of [IDS.instances[2], IDS.instances[3]]) x.instances![id].autoScalingGroupName = 'other-asg'
    })
    const about = (f: Finding[], fsId: string) => f.filter(x => x.resource.id === fsId).map(x => [x.status, x.evidence?.azId, x.evidence?.instances])

    it('passes: a file system is judged only in the AZs of the hosts that mount it', () => {
      const f = run(split())
      expect(about(f, IDS.fs)).toEqual([
        ['pass', 'euw1-az2', [IDS.instances[4], IDS.instances[5]]],
        ['pass', 'euw1-az3', [IDS.instances[0], IDS.instances[1]]],
      ])
      expect(about(f, OTHER)).toEqual([['pass', 'euw1-az1', [IDS.instances[2], IDS.instances[3]]]])
    })

    it('fails when a host of that AZ does mount the file system', () => {
      const s = split()
      s.instances![IDS.instances[3]].userDataId = IDS.userDataId
      s.userData![1].instanceIds = [IDS.instances[2]]
      const [f] = run(s).filter(x => x.resource.id === IDS.fs && x.status === 'fail')
      expect(f.evidence).toMatchObject({azId: 'euw1-az1', instances: [IDS.instances[3]]})
      expect(f.message).not.toContain(IDS.instances[2])
    })

    it('fails for an Auto Scaling group whose next hosts mount it, before any of them runs', () => {
      const s = split()
      s.autoScalingGroups![1].userDataId = IDS.userDataId
      s.autoScalingGroups![1].instanceIds = []
      const [f] = run(s).filter(x => x.resource.id === IDS.fs && x.status === 'fail')
      expect(f.evidence).toMatchObject({azId: 'euw1-az1', instances: [], asgSubnets: [IDS.subnets.b]})
    })

    it('counts a host whose UserData was not read against every file system (unknown evidence is never a pass)', () => {
      const s = split()
      delete s.instances![IDS.instances[2]].userDataId
      s.userData![1].instanceIds = [IDS.instances[3]]
      const [f] = run(s).filter(x => x.resource.id === IDS.fs && x.status === 'fail')
      expect(f.evidence).toMatchObject({azId: 'euw1-az1', instances: [IDS.instances[2]]})
    })
  })
})
