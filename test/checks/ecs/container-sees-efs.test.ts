import {containerSeesEfs} from '../../../src/checks/ecs/container-sees-efs.js'
import {runChecks} from '../../../src/core/run-checks.js'
import type {Snapshot} from '../../../src/model/snapshot.js'
import {forInstance, TASK_ARN, withHostFacts, withHostFault} from '../../support/host-facts.js'
import {healthy, IDS} from '../../support/snapshot-builder.js'

const run = (s: Snapshot) => runChecks([containerSeesEfs], s).findings

describe('ecs/container-sees-efs', () => {
  it('passes when the container sees nfs4 at its path', () => {
    const f = run(withHostFacts())
    expect(f.map(x => x.status)).toEqual(Array(6).fill('pass'))
    expect(f[0].message).toContain('/var/www/uploads')
  })

  it('fails a container started before the mount, naming it and the task to stop', () => {
    const s = withHostFault(f => { f.containerMounts[0].containerFstype = 'xfs' })
    const [o] = forInstance(run(s))
    expect(o.status).toBe('fail')
    expect(o.message).toContain(`container ecs-prod-web-42-web-b8c6d4e2f0a1c3e5 on ${IDS.instances[0]} sees xfs`)
    expect(o.message).toContain('started before EFS was mounted')
    expect(o.fix?.command).toBe(`aws ecs stop-task --cluster prod --task ${TASK_ARN} --reason 'efsdoctor: started before EFS was mounted' --region eu-west-1`)
  })

  it('says the host is not mounted either, and restarts a non-ECS container by name', () => {
    const s = withHostFault(f => {
      f.mounts = []
      f.containerMounts[0].containerFstype = 'xfs'
      delete f.containers[0].taskArn
    })
    const [o] = forInstance(run(s))
    expect(o.message).toContain('host has no EFS mount')
    expect(o.fix?.command).toContain('docker restart ecs-prod-web-42-web-b8c6d4e2f0a1c3e5')
  })

  it('is unknown when docker did not answer, a namespace was unreadable, or containers were cut', () => {
    expect(forInstance(run(withHostFault(f => { f.docker = {status: 'timeout'} })))[0].status).toBe('unknown')
    expect(forInstance(run(withHostFault(f => { f.containerMounts[0].containerFstype = 'unknown' })))[0].status).toBe('unknown')
    const cut = forInstance(run(withHostFault(f => { f.truncated = [{section: 'CONTAINER', dropped: 12}] })))
    expect(cut.map(o => o.status)).toEqual(['pass', 'unknown'])
  })

  it('is skipped without EFS bind mounts, and with --no-probe', () => {
    expect(forInstance(run(withHostFault(f => { f.containerMounts = [] })))[0].status).toBe('skipped')
    expect(run(healthy()).map(x => x.status)).toEqual(['skipped'])
  })
})
