/**
 * The one entry point commands use for a live run: build the AWS clients and collect a snapshot.
 * Imported lazily by commands so that --help never loads the AWS SDK.
 */
import type {Snapshot} from './snapshot.js'

export interface LiveOptions {
  cluster: string
  fileSystemIds?: string[]
  region?: string
  profile?: string
  endpointUrl?: string
  onStep?: (title: string) => void
  /** Probe the ACTIVE, connected container instances over SSM after collecting (sets snapshot.hostFacts). */
  probe?: {timeoutSeconds: number}
}

export async function collectLive(opts: LiveOptions): Promise<Snapshot> {
  const {createClients} = await import('./aws-clients.js')
  const {collectSnapshot} = await import('./collect.js')
  const clients = await createClients({region: opts.region, profile: opts.profile, endpointUrl: opts.endpointUrl},
    opts.probe ? ['ssm'] : [])
  const snapshot = await collectSnapshot(clients, {cluster: opts.cluster, region: opts.region, fileSystemIds: opts.fileSystemIds, onStep: opts.onStep})
  if (opts.probe && clients.ssm) {
    const {probeSnapshot} = await import('../remote/probe.js')
    await probeSnapshot(clients.ssm, snapshot, {timeoutSeconds: opts.probe.timeoutSeconds, onStep: opts.onStep})
  }
  return snapshot
}
