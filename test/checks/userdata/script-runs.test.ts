import {runChecks} from '../../../src/core/run-checks.js'
import {scriptRuns} from '../../../src/checks/userdata/script-runs.js'
import {denied, healthy} from '../../support/snapshot-builder.js'
import {udFixture, withUserData} from '../../support/user-data-fixtures.js'

const run = (text: string, mutate?: Parameters<typeof withUserData>[1]) => scriptRuns.run(withUserData(text, mutate))[0]

describe('userdata/script-runs', () => {
  it.each(['al2-ecs-efs-utils.sh', 'al2023-dnf.sh', 'cloud-config-mounts.yaml', 'cloud-config-runcmd.yaml', 'mime-boothook.txt'])('passes for %s', name => {
    expect(run(udFixture(name)).status).toBe('pass')
  })

  it('passes on healthy(), pointing at the ECS_CLUSTER line', () => {
    expect(scriptRuns.run(healthy())[0]).toMatchObject({status: 'pass', location: {line: 3}})
  })

  it('fails without a header on line 1', () => {
    const o = run(udFixture('fault-no-shebang.sh'))
    expect(o).toMatchObject({status: 'fail', location: {line: 1}})
    expect(o.message).toMatch(/cloud-init does not run/)
  })

  it('fails for a MIME shell part without #!', () => {
    const text = udFixture('mime-boothook.txt').replace('#!/bin/bash\n', '')
    expect(run(text)).toMatchObject({status: 'fail', location: {line: 16}})
  })

  it('fails without ECS_CLUSTER (joins default) and with another cluster name', () => {
    const missing = run(udFixture('fault-missing-ecs-cluster.sh'))
    expect(missing).toMatchObject({status: 'fail', severity: 'error'})
    expect(missing.message).toMatch(/"default" cluster, not prod/)
    const other = run(udFixture('al2023-dnf.sh').replace('ECS_CLUSTER=prod', 'ECS_CLUSTER=staging'))
    expect(other).toMatchObject({status: 'fail', location: {line: 3}})
    expect(other.message).toContain('staging')
  })

  it('without a cluster in scope (lint), judges ECS_CLUSTER only when something is ECS: plain EC2 hosts pass on the format', () => {
    const noCluster = (x: Parameters<NonNullable<Parameters<typeof withUserData>[1]>>[0]) => {
      x.scope.source = 'template'
      delete x.scope.cluster
      delete x.cluster
      delete x.taskDefinitions
      delete x.services
      x.template = {file: 't.yaml', resourceLines: {}, fileSystems: [], mountTargets: [], accessPoints: [], hostSecurityGroups: {}}
    }
    const plain = '#!/bin/bash\nyum install -y amazon-efs-utils\nmount -t efs fs-12345678:/ /mnt/efs\n'
    expect(run(plain, noCluster)).toMatchObject({status: 'pass', message: expect.stringMatching(/Nothing here is ECS .* ECS_CLUSTER is not judged/)})
    // Anything ECS (the script, the image, the template's resources) and the missing ECS_CLUSTER is a warning again.
    const warning = {status: 'fail', severity: 'warning', message: expect.stringMatching(/does not set ECS_CLUSTER/)}
    expect(run(`${plain}systemctl start ecs\n`, noCluster)).toMatchObject(warning)
    expect(run(plain, x => { noCluster(x); x.userData![0].image = {kind: 'ecs-al2023'} })).toMatchObject(warning)
    expect(run(plain, x => { noCluster(x); x.template!.clusters = [{id: 'Cluster', capacityProviderHosts: []}] })).toMatchObject(warning)
  })

  it('fails when every write to ecs.config was read and none sets ECS_CLUSTER; unknown when one was not read', () => {
    const attrs = '#!/bin/bash\necho ECS_INSTANCE_ATTRIBUTES={\\"a\\":\\"b\\"} >> /etc/ecs/ecs.config\ndocker run --env-file=/etc/ecs/ecs.config amazon/amazon-ecs-agent\n'
    expect(run(attrs)).toMatchObject({status: 'fail', message: expect.stringMatching(/does not set ECS_CLUSTER/)})
    expect(run(attrs + 'cp /tmp/ecs.config /etc/ecs/ecs.config\n')).toMatchObject({status: 'unknown', message: expect.stringMatching(/cannot read/)})
    expect(run(attrs.replace('--env-file', '-e ECS_CLUSTER=prod --env-file')).status).toBe('unknown')
  })

  it('is unknown when ECS_CLUSTER comes from an unresolved placeholder', () => {
    expect(run(udFixture('seed-fnsub.sh'))).toMatchObject({status: 'unknown', location: {line: 3}})
  })

  it('is unknown for empty text or a failed read', () => {
    expect(run('').status).toBe('unknown')
    expect(runChecks([scriptRuns], denied(healthy(), 'userData', 'ec2:DescribeInstanceAttribute')).findings[0].status).toBe('unknown')
  })
})
