/**
 * Issue 10 item 3: lint of a template holding several stacks judges a task definition's host-path volume only against
 * the hosts of the cluster its service runs on (ECS_CLUSTER in UserData, or a capacity provider), and says unknown,
 * listing the candidates, when that cluster's hosts are not known. Item 4: the report's scope says who uses each file
 * system, from the template's own clients.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {lintTemplateFile} from '../../src/lint/index.js'
import type {Report} from '../../src/core/types.js'
import {describeScopedFileSystem} from '../../src/model/usage.js'
import {manyStacks} from '../support/many-stacks.js'

const dir = mkdtempSync(join(tmpdir(), 'efsd-cluster-hosts-'))

/** Replaces the first `from` after `marker` (a resource of one copy) with `to`. */
function edit(text: string, marker: string, from: string, to: string): string {
  const at = text.indexOf(marker)
  const i = text.indexOf(from, at)
  if (at < 0 || i < 0) throw new Error(`${marker} … ${from} not in the template`)
  return text.slice(0, i) + to + text.slice(i + from.length)
}

/** Two stacks; the second one's hosts mount EFS at /data, and its web task definition uses /data/shared. */
const twoStacks = (): string => {
  let t = manyStacks(2)
  t = edit(t, '\n  LaunchTemplate2:\n', 'EFS_DIR=/mnt/efs', 'EFS_DIR=/data')
  return edit(t, '\n  WebTaskDefinition2:\n', 'SourcePath: /mnt/efs/shared', 'SourcePath: /data/shared')
}

async function lint(name: string, text: string): Promise<Report> {
  const f = join(dir, name)
  writeFileSync(f, text)
  return (await lintTemplateFile(f)).report
}

const volumeFinding = (r: Report, td: string) => r.findings.find(f => f.checkId === 'ecs/volume-source-on-efs' && f.resource.id === td)!

describe('lint: a task definition is judged against the hosts of its own cluster', () => {
  it('passes each stack against its own hosts (the other stack mounts elsewhere), with no failure at all', async () => {
    const r = await lint('two.yaml', twoStacks())
    expect(r.findings.filter(f => f.status === 'fail')).toEqual([])
    const web2 = volumeFinding(r, 'WebTaskDefinition2')
    expect(web2.status).toBe('pass')
    expect(web2.evidence?.efsMountPoints).toEqual([{source: 'UserData LaunchTemplate2', paths: ['/data']}])
    expect(volumeFinding(r, 'WebTaskDefinition1').evidence?.efsMountPoints).toEqual([{source: 'UserData LaunchTemplate1', paths: ['/mnt/efs']}])
    // Each stack's hosts join that stack's cluster, which the template declares: nothing to be unsure about.
    const runs = r.findings.filter(f => f.checkId === 'userdata/script-runs')
    expect(runs.map(f => [f.resource.id, f.status])).toEqual([['LaunchTemplate1', 'pass'], ['LaunchTemplate2', 'pass']])
    expect(runs[1].message).toContain('the cluster Cluster2 of this template')
  }, 60_000)

  it('fails a host path outside the EFS mount of its own cluster\'s hosts, naming only those hosts', async () => {
    const r = await lint('two-bad.yaml', edit(twoStacks(), '\n  WebTaskDefinition2:\n', 'SourcePath: /data/shared', 'SourcePath: /mnt/efs/shared'))
    const web2 = volumeFinding(r, 'WebTaskDefinition2')
    expect(web2.status).toBe('fail')
    expect(web2.message).toContain('UserData LaunchTemplate2')
    expect(web2.message).not.toContain('LaunchTemplate1')
    expect(r.findings.filter(f => f.status === 'fail')).toHaveLength(1)
  }, 60_000)

  it('is unknown, listing the candidate hosts, when no host is known to join the service\'s cluster', async () => {
    // The second stack's hosts read the cluster name from the environment: which cluster they join is not known.
    const r = await lint('two-unknown.yaml', edit(twoStacks(), '\n  LaunchTemplate2:\n', 'ECS_CLUSTER=${Cluster2}', 'ECS_CLUSTER=${!CLUSTER}'))
    const web2 = volumeFinding(r, 'WebTaskDefinition2')
    expect(web2.status).toBe('unknown')
    expect(web2.message).toContain('cluster Cluster2')
    expect(web2.message).toContain('candidates: LaunchTemplate2')
    expect(volumeFinding(r, 'WebTaskDefinition1').status).toBe('pass')
    expect(r.findings.find(f => f.checkId === 'userdata/script-runs' && f.resource.id === 'LaunchTemplate2')?.status).toBe('unknown')
  }, 60_000)

  it('pairs a cluster with the hosts its capacity provider launches', async () => {
    let t = edit(twoStacks(), '\n  LaunchTemplate2:\n', 'ECS_CLUSTER=${Cluster2}', 'ECS_CLUSTER=${!CLUSTER}')
    t += `
  CapacityProvider2:
    Type: AWS::ECS::CapacityProvider
    Properties:
      AutoScalingGroupProvider:
        AutoScalingGroupArn: !Ref AutoScalingGroup2
  Associations2:
    Type: AWS::ECS::ClusterCapacityProviderAssociations
    Properties:
      Cluster: !Ref Cluster2
      CapacityProviders: [!Ref CapacityProvider2]
      DefaultCapacityProviderStrategy:
        - CapacityProvider: !Ref CapacityProvider2
`
    const r = await lint('two-cp.yaml', t)
    expect(volumeFinding(r, 'WebTaskDefinition2')).toMatchObject({status: 'pass', evidence: {efsMountPoints: [{source: 'UserData LaunchTemplate2', paths: ['/data']}]}})
  }, 60_000)
})

describe('lint: usedBy in the report scope', () => {
  it('lists each file system\'s own clients with evidence (template lines), never another stack\'s', async () => {
    const r = await lint('two-used.yaml', twoStacks())
    const fs2 = r.scope.fileSystems!.find(f => f.id === 'FileSystem2')!
    const clients = fs2.usedBy!.map(u => `${u.client.kind} ${u.client.id}`)
    expect(clients).toEqual(['template-host LaunchTemplate2', 'task-definition efs-demo-web-2', 'task-definition efs-demo-reports-2'])
    const ud = fs2.usedBy![0].evidence[0]
    expect(ud).toMatchObject({kind: 'userdata', userDataId: 'LaunchTemplate2', templateLine: expect.any(Number)})
    expect(describeScopedFileSystem(fs2)).toMatch(/^FileSystem2 used by: LaunchTemplate2 \(UserData line \d+, template line \d+\), task definition efs-demo-web-2 \(volume shared, host path \/data\/shared\), task definition efs-demo-reports-2 \(volume reports\)$/)
  }, 60_000)
})
