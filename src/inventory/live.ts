/**
 * The one entry point commands use for a live run: build the AWS clients and collect a snapshot.
 * Imported lazily by commands so that --help never loads the AWS SDK.
 */
import {setMaxListeners} from 'node:events'
import {UsageError} from '../core/errors.js'
import type {Snapshot} from '../model/snapshot.js'

export interface LiveOptions {
  cluster: string
  fileSystemIds?: string[]
  region?: string
  profile?: string
  endpointUrl?: string
  /** Extra SDK client configuration (see ClientOptions.sdkConfig). */
  sdkConfig?: Record<string, unknown>
  onStep?: (title: string) => void
  /** Runs the named steps (the command shows progress); default: in order, silently. */
  runSteps?: (steps: {title: string; run: () => Promise<unknown>}[]) => Promise<void>
  /** Probe the ACTIVE, connected container instances over SSM after collecting (sets snapshot.hostFacts). */
  probe?: {timeoutSeconds: number}
  /** Seconds for the whole run (--timeout; default runTimeout()); calls still unanswered then become gaps. */
  timeoutSeconds?: number
  connectTimeout?: number
  requestTimeout?: number
}

/** Seconds for collection alone (no probe): a silent endpoint ends the run within a minute. */
export const COLLECT_TIMEOUT = 50
/** Seconds added after the probe's own timeout for sending, delivery and reading the results. */
export const PROBE_GRACE = 60

/** The default --timeout: collection, plus the probe's timeout and grace when probing. */
export function runTimeout(probeTimeoutSeconds?: number): number {
  return COLLECT_TIMEOUT + (probeTimeoutSeconds === undefined ? 0 : probeTimeoutSeconds + PROBE_GRACE)
}

/** Where the calls went, for a one-line error: the custom endpoint, else AWS's own for the region. */
function endpointLabel(endpoint: string | undefined, region: string | undefined): string {
  return endpoint ?? (region ? `the AWS endpoint for ${region}` : 'the AWS endpoint')
}

export async function collectLive(opts: LiveOptions): Promise<Snapshot> {
  const {createClients, resolveEndpoint, resolveRegion} = await import('./aws-clients.js')
  const {prepareCollection} = await import('./collect.js')
  const timeoutSeconds = opts.timeoutSeconds ?? runTimeout(opts.probe?.timeoutSeconds)
  const signal = AbortSignal.timeout(timeoutSeconds * 1000)
  // NOTE: every call in flight listens on it (hundreds on a big cluster).
  setMaxListeners(0, signal)
  const clients = await createClients({region: opts.region, profile: opts.profile, endpointUrl: opts.endpointUrl, sdkConfig: opts.sdkConfig,
    connectTimeout: opts.connectTimeout, requestTimeout: opts.requestTimeout, signal}, opts.probe ? ['ssm'] : [])
  const collection = await prepareCollection(clients, {cluster: opts.cluster, region: opts.region, fileSystemIds: opts.fileSystemIds,
    signal, timeoutSeconds})
  const steps = collection.steps.map(step => ({title: step.title, run: async () => { opts.onStep?.(step.title); await step.run() }}))
  const probe = opts.probe
  if (probe && clients.ssm) {
    const ssm = clients.ssm
    steps.push({title: 'Probe the container instances over SSM (read-only script)', run: async () => {
      const {probeSnapshot} = await import('../remote/probe.js')
      await probeSnapshot(ssm, collection.snapshot(), {timeoutSeconds: probe.timeoutSeconds, onStep: opts.onStep, signal})
    }})
  }
  await (opts.runSteps ?? (async s => { for (const step of s) await step.run() }))(steps)
  const where = async () => endpointLabel(await resolveEndpoint(clients.ecs), await resolveRegion(clients.ecs, opts.region))
  // The deadline passed before any AWS call was answered: nothing could be read.
  if (signal.aborted && collection.calls.answered === 0) {
    throw new UsageError(`cannot reach ${await where()}: no AWS call answered within ${timeoutSeconds}s (--timeout)`)
  }
  // NOTE: a report of nothing but unknowns would exit 0 under the default --fail-on error, green in CI for a run that
  // never saw the cluster. Denied calls are answers (their unknowns name the IAM actions); garbage is not.
  if (collection.calls.understood === 0 && collection.calls.log.length > 0) {
    throw new UsageError(`nothing could be read from ${await where()}: no AWS call got an answer from AWS (first: ${collection.calls.firstFailure ?? 'no answer'})`)
  }
  return collection.snapshot()
}

export interface ProbeLiveOptions {
  instanceIds: string[]
  fileSystemIds?: string[]
  region?: string
  profile?: string
  endpointUrl?: string
  connectTimeout?: number
  requestTimeout?: number
  timeoutSeconds: number
  onStep?: (title: string) => void
}

/**
 * `efsdoctor probe` without a cluster: a minimal snapshot (the instances' AZs from ec2:DescribeInstances, the mount
 * targets of --file-system from efs:DescribeMountTargets, both best-effort) and then the host probe.
 * Returns the snapshot (hostFacts filled) and notes about what could not be looked up.
 */
export async function probeLive(opts: ProbeLiveOptions): Promise<{snapshot: Snapshot; notes: string[]}> {
  const {createClients, resolveEndpoint, resolveRegion, send} = await import('./aws-clients.js')
  const {SNAPSHOT_SCHEMA_VERSION} = await import('../model/snapshot.js')
  const clients = await createClients({region: opts.region, profile: opts.profile, endpointUrl: opts.endpointUrl,
    connectTimeout: opts.connectTimeout, requestTimeout: opts.requestTimeout}, ['ssm'])
  const notes: string[] = []
  const fsIds = opts.fileSystemIds ?? []
  // NOTE: no region at all is reported by the first call below (Calls turns it into a UsageError).
  const region = await resolveRegion(clients.ecs, opts.region)
  const snapshot: Snapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION, collectedAt: new Date().toISOString(), tool: {name: 'efsdoctor', version: '0'},
    scope: {source: 'aws', ...(region ? {region} : {}), fileSystems: fsIds.map(id => ({id, reasons: ['--file-system']}))},
    instances: {}, mountTargets: [], gaps: [],
  }
  const [{sdk}, {Calls}, map] = await Promise.all([import('./aws-clients.js'), import('./call.js'), import('./map.js')])
  const [ec2, efs] = await Promise.all([sdk.ec2(), sdk.efs()])
  // NOTE: through Calls so that "cannot run at all" (no region, no credentials, endpoint unreachable) is a UsageError
  // (exit 2) instead of a note followed by every host "NOT PROBED"; any other failure is a note and the probe goes on.
  const calls = new Calls({region, endpoint: await resolveEndpoint(clients.ecs)})
  const described = await calls.call('instances', 'ec2:DescribeInstances',
    () => send(clients.ec2, new ec2.DescribeInstancesCommand({InstanceIds: opts.instanceIds})), {quiet: true,
      onError: code => {
        notes.push(`ec2:DescribeInstances failed (${code}): the port-2049 test is skipped`)
        return 'gap'
      }})
  for (const r of described?.Reservations ?? []) {
    for (const i of r.Instances ?? []) if (i.InstanceId) snapshot.instances![i.InstanceId] = map.instance(i)
  }
  if (fsIds.length) {
    for (const fileSystemId of fsIds) {
      const out = await calls.call('mountTargets', 'elasticfilesystem:DescribeMountTargets',
        () => send(clients.efs, new efs.DescribeMountTargetsCommand({FileSystemId: fileSystemId})), {quiet: true,
          onError: code => {
            notes.push(`efs:DescribeMountTargets ${fileSystemId} failed (${code}): the port-2049 test is skipped for it`)
            return 'gap'
          }})
      for (const mt of out?.MountTargets ?? []) snapshot.mountTargets!.push({...map.mountTarget(mt), fileSystemId})
    }
  } else {
    notes.push('no --file-system given: DNS and port-2049 tests are skipped; mounts, fstab, clients and logs are still read')
  }
  const {probeInstances} = await import('../remote/probe.js')
  const {createSsmRunner} = await import('../remote/ssm-runner.js')
  opts.onStep?.(`probing ${opts.instanceIds.length} instance(s) over SSM`)
  snapshot.hostFacts = await probeInstances(createSsmRunner(clients.ssm!), snapshot, opts.instanceIds, {timeoutSeconds: opts.timeoutSeconds})
  return {snapshot, notes}
}
