/**
 * Scope by evidence (issue 10): a file system enters the scope because something in the cluster uses it or the user
 * named it, never only because it has mount targets in the instances' VPC; checks judge only used pairs.
 */
import {AutoScalingClient} from '@aws-sdk/client-auto-scaling'
import {ECSClient} from '@aws-sdk/client-ecs'
import {EC2Client} from '@aws-sdk/client-ec2'
import {EFSClient} from '@aws-sdk/client-efs'
import {mockClient} from 'aws-sdk-client-mock'
import {allChecks} from '../../src/checks/index.js'
import {exitCodeFor} from '../../src/core/exit-code.js'
import {runChecks} from '../../src/core/run-checks.js'
import type {AwsClients} from '../../src/inventory/aws-clients.js'
import {collectSnapshot} from '../../src/inventory/collect.js'
import {FS, REGION, TEAM_FS, installFakeCluster, type Stubs} from './fake-cluster.js'

const stubs: Stubs = {ecs: mockClient(ECSClient), ec2: mockClient(EC2Client), efs: mockClient(EFSClient), asg: mockClient(AutoScalingClient)}
const clients = (): AwsClients => ({
  ecs: new ECSClient({region: REGION}), ec2: new EC2Client({region: REGION}), efs: new EFSClient({region: REGION}),
  autoScaling: new AutoScalingClient({region: REGION}),
})
beforeEach(() => { for (const s of Object.values(stubs)) s.reset() })

// NOTE: the fake cluster has faults of its own on purpose (a password in UserData, enableDnsHostnames off); the path
// from each host to each file system is what is judged here.
const EFS_PATH = ['efs/', 'network/mount-target-sg-allows-nfs', 'network/client-sg-egress-nfs', 'network/nacl-allows-nfs', 'userdata/mounts-efs']
const about = (fsId: string) => (f: {resource: {id: string}; message: string; evidence?: Record<string, unknown>}) =>
  `${f.resource.id} ${f.message} ${JSON.stringify(f.evidence ?? {})}`.includes(fsId)

describe('an unused, closed file system in the same VPC', () => {
  it('is left out of the scope, with a note: exit 0 and nothing failing about it', async () => {
    installFakeCluster(stubs, 6, {teamFileSystem: true})
    const s = await collectSnapshot(clients(), {cluster: 'prod', region: REGION})
    expect(s.scope.fileSystems.map(f => f.id)).toEqual([FS])
    expect(s.scope.notes?.join('\n')).toContain(`${TEAM_FS} has mount targets where the instances run, but nothing in this cluster uses it`)
    const report = runChecks(allChecks, s, {only: EFS_PATH})
    expect(report.findings.filter(f => f.status === 'fail')).toEqual([])
    expect(report.findings.filter(about(TEAM_FS))).toEqual([])
    expect(report.findings.some(f => f.checkId === 'network/mount-target-sg-allows-nfs' && f.status === 'pass')).toBe(true)
    expect(exitCodeFor(report, 'error')).toBe(0)
  })

  it('is checked when named with --file-system: its failures are reported, on every host', async () => {
    installFakeCluster(stubs, 6, {teamFileSystem: true})
    const s = await collectSnapshot(clients(), {cluster: 'prod', region: REGION, fileSystemIds: [FS, TEAM_FS]})
    expect(s.scope.fileSystems.map(f => [f.id, f.named])).toEqual([[FS, true], [TEAM_FS, true]])
    const report = runChecks(allChecks, s, {only: EFS_PATH})
    const fails = report.findings.filter(f => f.status === 'fail')
    expect(fails.filter(f => f.checkId === 'network/mount-target-sg-allows-nfs' && about(TEAM_FS)(f))).toHaveLength(6)
    expect(fails.every(about(TEAM_FS))).toBe(true)
    expect(exitCodeFor(report, 'error')).toBe(1)
  })
})
