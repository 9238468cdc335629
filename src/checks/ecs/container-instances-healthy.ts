/**
 * Container instances must be ACTIVE with the ECS agent connected, or nothing gets scheduled on them and every
 * later check quietly ignores them. A disconnected agent shows up as tasks stuck in PENDING or "no container instance
 * met all of its requirements"; DRAINING is usually deliberate (scale-in, AMI roll), so it is a warning. Also flags
 * container instances whose EC2 instance was not found (terminated, or a failed ec2:DescribeInstances).
 */
import {defineCheck, fail, pass, passFor, unknown} from '../../core/define-check.js'
import type {Resource} from '../../core/types.js'
import type {ContainerInstance} from '../../model/snapshot.js'
import {gapsFor} from '../../core/run-checks.js'
import {shellCommand} from '../../core/shell.js'

const SKIP_NOTE = 'Later checks skip it.'
const ciRes = (ci: ContainerInstance): Resource => ({type: 'ecs-container-instance', id: ci.ec2InstanceId, arn: ci.arn})
const deregister = (cluster: string, ci: ContainerInstance) =>
  shellCommand(['aws', 'ecs', 'deregister-container-instance', '--cluster', cluster, '--container-instance', ci.arn, '--force'])

export const containerInstancesHealthy = defineCheck({
  id: 'ecs/container-instances-healthy',
  title: 'Container instances are ACTIVE with the ECS agent connected',
  severity: 'error',
  description: 'Instances that are draining, inactive or whose agent is disconnected run no new tasks; efsdoctor skips them in the network and mount-target checks.',
  remediation: 'Reconnect the ECS agent (check ecs.service and its network path to ECS), or replace/deregister the instance.',
  docsUrl: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-connection.html',
  needs: ['containerInstances'],
  run(s) {
    const cluster = s.cluster?.name ?? s.scope.cluster ?? '<cluster>'
    const instancesGap = s.instances === undefined && gapsFor(s, 'instances').length > 0
    return (s.containerInstances ?? []).map(ci => {
      const r = ciRes(ci)
      const ev = {status: ci.status, agentConnected: ci.agentConnected, containerInstanceArn: ci.arn}
      if (ci.status === 'DRAINING') {
        return fail(r, `Container instance ${ci.ec2InstanceId} is DRAINING: no new tasks are placed on it. ${SKIP_NOTE}`,
          {summary: 'If the drain was not intended, set the instance back to ACTIVE.',
            command: shellCommand(['aws', 'ecs', 'update-container-instances-state', '--cluster', cluster, '--container-instances', ci.arn, '--status', 'ACTIVE'])},
          {severity: 'warning', evidence: ev})
      }
      if (ci.status !== 'ACTIVE') {
        return fail(r, `Container instance ${ci.ec2InstanceId} is ${ci.status}, not ACTIVE. ${SKIP_NOTE}`,
          {summary: 'Replace the instance or deregister it from the cluster.', command: deregister(cluster, ci)}, {evidence: ev})
      }
      if (!ci.agentConnected) {
        return fail(r, `The ECS agent on ${ci.ec2InstanceId} is disconnected: tasks cannot be placed or stopped there. ${SKIP_NOTE}`,
          {summary: 'On the host, check `systemctl status ecs` and /var/log/ecs/ecs-agent.log, and that it can reach the ECS endpoint; then `systemctl restart ecs`.'},
          {evidence: ev})
      }
      if (s.instances === undefined) {
        return instancesGap
          ? unknown(r, `Container instance ${ci.ec2InstanceId} is ACTIVE and connected, but its EC2 instance could not be read (ec2:DescribeInstances failed).`, {evidence: ev})
          : pass(r, `Container instance ${ci.ec2InstanceId} is ACTIVE with the agent connected (EC2 details not collected).`, {evidence: ev})
      }
      const instance = s.instances[ci.ec2InstanceId]
      // NOTE: a failed DescribeInstances batch leaves its instances out with a partial gap: that is "not seen", not "gone".
      const batchGap = gapsFor(s, 'instances').find(g => !g.resourceIds?.length || g.resourceIds.includes(ci.ec2InstanceId))
      if (!instance && batchGap) {
        return unknown(r, `Container instance ${ci.ec2InstanceId} is ACTIVE and connected, but its EC2 instance could not be read (${batchGap.action} failed: ${batchGap.code}).`, {evidence: ev})
      }
      if (!instance) {
        return fail(r, `Container instance ${ci.ec2InstanceId} is registered, but EC2 has no such instance (terminated or in another account/region). ${SKIP_NOTE}`,
          {summary: 'Deregister the stale container instance.', command: deregister(cluster, ci)}, {evidence: ev})
      }
      if (instance.state !== 'running') {
        return fail(r, `EC2 instance ${instance.id} is ${instance.state}, not running. ${SKIP_NOTE}`,
          {summary: 'Start or replace the instance, or deregister it.', command: shellCommand(['aws', 'ec2', 'start-instances', '--instance-ids', instance.id])},
          {evidence: {...ev, ec2State: instance.state}})
      }
      return passFor(s, r, () => `Container instance ${ci.ec2InstanceId} is ACTIVE with the agent connected.`, () => ({evidence: ev}))
    })
  },
})
