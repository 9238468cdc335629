import {taskRoleEfsAccess} from '../../../src/checks/ecs/task-role-efs-access.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {denied, healthy, withFault} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([taskRoleEfsAccess], s).findings

describe('ecs/task-role-efs-access', () => {
  it('passes the IAM-authorized worker volume with a task role and ignores the bind-mount task', () => {
    const f = run(healthy())
    expect(f).toHaveLength(1)
    expect(f[0].resource.id).toBe('prod-worker:17')
    expect(f[0].status).toBe('pass')
  })

  it('fails when only the execution role is set, and says it is not used', () => {
    const s = withFault(x => { delete x.taskDefinitions![1].taskRoleArn })
    const f = run(s)[0]
    expect(f.status).toBe('fail')
    expect(f.message).toMatch(/no task role/)
    expect(f.message).toContain('ecsTaskExecutionRole')
    expect(f.fix?.summary).toContain('elasticfilesystem:ClientMount')
  })

  it('is skipped when no volume uses IAM authorization', () => {
    const s = withFault(x => { x.taskDefinitions![1].volumes[0].efsVolumeConfiguration!.authorizationConfig = {iam: 'DISABLED'} })
    expect(run(s).map(x => x.status)).toEqual(['skipped'])
  })

  it('is unknown when task definitions could not be read', () => {
    expect(run(denied(healthy(), 'taskDefinitions', 'ecs:DescribeTaskDefinition'))[0].status).toBe('unknown')
  })
})
