/**
 * The one place that builds AWS SDK v3 clients. SDK packages are imported lazily (only when a command really talks
 * to AWS) so `--help` and `--version` stay fast. Clients are typed loosely (`SdkClient`) so tests can pass clients
 * mocked with aws-sdk-client-mock, and so a benchmark can pass a simulated AWS.
 */

/**
 * The SDK client packages, each loaded on first use. `./sdk/*.js` name only the clients and commands efsdoctor
 * uses, so the published bundle (scripts/bundle.mjs) carries a tree-shaken copy of each package instead of
 * compiling the whole CommonJS file (client-ec2 alone is 2 MB) on every run that talks to AWS. From source (tests,
 * bin/dev.js) they are plain re-exports: the same module instances tests mock with aws-sdk-client-mock.
 */
export const sdk = {
  ecs: () => import('./sdk/ecs.js'),
  ec2: () => import('./sdk/ec2.js'),
  efs: () => import('./sdk/efs.js'),
  asg: () => import('./sdk/auto-scaling.js'),
  ssm: () => import('./sdk/ssm.js'),
  iam: () => import('./sdk/iam.js'),
  sts: () => import('./sdk/sts.js'),
}

/** Anything with the SDK's `send(command)`; real clients and mocked ones both fit. */
export interface SdkClient {
  // NOTE: `any` on purpose: the collector builds commands from the lazily imported SDK modules.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  send(command: any, options?: any): Promise<any>
}

/** The output type of an SDK v3 command instance, e.g. DescribeVpcsCommandOutput. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OutputOf<C> = C extends {resolveMiddleware: (...a: any[]) => (args: any) => Promise<{output: infer O}>} ? O : never

/** `client.send(command)` with the command's own output type (SdkClient.send is untyped). */
export function send<C extends object>(client: SdkClient, command: C): Promise<OutputOf<C>> {
  return client.send(command) as Promise<OutputOf<C>>
}

/** The custom endpoint a client uses (--endpoint-url / AWS_ENDPOINT_URL), for error messages; undefined for AWS's own. */
export async function resolveEndpoint(client: SdkClient): Promise<string | undefined> {
  try {
    const config = (client as {config?: {isCustomEndpoint?: boolean; endpoint?: () => Promise<{protocol?: string; hostname?: string; port?: number; path?: string}>}}).config
    if (!config?.isCustomEndpoint || typeof config.endpoint !== 'function') return undefined
    const e = await config.endpoint()
    return `${e.protocol ?? 'https:'}//${e.hostname}${e.port ? `:${e.port}` : ''}${e.path && e.path !== '/' ? e.path : ''}`
  } catch {
    return undefined
  }
}

/** `region` when given, else the region the client resolved (profile, AWS_REGION); undefined when there is none. */
export async function resolveRegion(client: SdkClient, region?: string): Promise<string | undefined> {
  if (region) return region
  try {
    const r = (client as {config?: {region?: string | (() => Promise<string>)}}).config?.region
    return typeof r === 'function' ? await r() : r
  } catch {
    return undefined
  }
}

export interface AwsClients {
  ecs: SdkClient
  ec2: SdkClient
  efs: SdkClient
  autoScaling: SdkClient
  /** Built only when asked for (remote/ code: probe and mount). */
  ssm?: SdkClient
  iam?: SdkClient
}

export interface ClientOptions {
  region?: string
  profile?: string
  /** --endpoint-url; AWS_ENDPOINT_URL is honoured by the SDK itself when this is not set. */
  endpointUrl?: string
  /** Extra SDK client configuration merged last (the fault-injection tests pass a faster adaptive retry strategy). */
  sdkConfig?: Record<string, unknown>
  /** Seconds to open a connection (--connect-timeout; default DEFAULT_CONNECT_TIMEOUT). */
  connectTimeout?: number
  /** Seconds one HTTP request may wait for its answer (--request-timeout; default DEFAULT_REQUEST_TIMEOUT). */
  requestTimeout?: number
  /** The run's deadline (--timeout): every call made through these clients is aborted when it fires. */
  signal?: AbortSignal
}

export const DEFAULT_CONNECT_TIMEOUT = 3
export const DEFAULT_REQUEST_TIMEOUT = 30

export type ExtraClient = 'ssm' | 'iam'

/** Shared client configuration: adaptive retry for throttling, profile and endpoint when given. */
export function clientConfig(opts: ClientOptions): Record<string, unknown> {
  const config: Record<string, unknown> = {retryMode: 'adaptive', maxAttempts: 6, requestHandler: {
    // NOTE: without these an endpoint that accepts the connection and never answers hangs the run forever.
    connectionTimeout: Math.round((opts.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT) * 1000),
    requestTimeout: Math.round((opts.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT) * 1000),
    // NOTE: without this the SDK only logs a warning when requestTimeout passes and keeps waiting.
    throwOnRequestTimeout: true,
  }}
  if (opts.region) config.region = opts.region
  if (opts.profile) config.profile = opts.profile
  if (opts.endpointUrl) config.endpoint = opts.endpointUrl
  return opts.sdkConfig ? {...config, ...opts.sdkConfig} : config
}

/**
 * Builds the ECS, EC2, EFS and Auto Scaling clients, plus SSM/IAM when listed in `extra`. EC2 and Auto Scaling are
 * deferred: their SDK modules (most of the SDK's load time) are imported on their first call, so a live run sends its
 * first ECS and EFS calls without waiting for them. A deferred client has no `config`: resolveRegion and
 * resolveEndpoint read the ECS client's, which is the same.
 */
export async function createClients(opts: ClientOptions, extra: ExtraClient[] = []): Promise<AwsClients> {
  const config = clientConfig(opts)
  const [ecs, efs] = await Promise.all([sdk.ecs(), sdk.efs()])
  const clients: AwsClients = {
    ecs: withSignal(new ecs.ECSClient(config), opts.signal),
    ec2: deferred(async () => withSignal(new (await sdk.ec2()).EC2Client(config), opts.signal)),
    efs: withSignal(new efs.EFSClient(config), opts.signal),
    autoScaling: deferred(async () => withSignal(new (await sdk.asg()).AutoScalingClient(config), opts.signal)),
  }
  if (extra.includes('ssm')) clients.ssm = await createSsmClient(opts)
  if (extra.includes('iam')) clients.iam = await createIamClient(opts)
  return clients
}

export async function createSsmClient(opts: ClientOptions): Promise<SdkClient> {
  const {SSMClient} = await sdk.ssm()
  return withSignal(new SSMClient(clientConfig(opts)), opts.signal)
}

export async function createIamClient(opts: ClientOptions): Promise<SdkClient> {
  const {IAMClient} = await sdk.iam()
  return withSignal(new IAMClient(clientConfig(opts)), opts.signal)
}

/** A client built on its first call (see createClients); concurrent first calls share one. `built()` builds it now. */
export function deferred(make: () => Promise<SdkClient>): SdkClient & {built: () => Promise<SdkClient>} {
  let client: Promise<SdkClient> | undefined
  const built = () => (client ??= make())
  return {built, send: async (command, options) => (await built()).send(command, options)}
}

/**
 * The client with every `send` aborted when `signal` fires (the run's deadline), so no socket outlives the run.
 * `config` stays reachable for resolveRegion/resolveEndpoint.
 */
export function withSignal<C extends SdkClient>(client: C, signal?: AbortSignal): SdkClient {
  if (!signal) return client
  return {
    config: (client as {config?: unknown}).config,
    send: (command: unknown, options?: Record<string, unknown>) => client.send(command, {abortSignal: signal, ...options}),
  } as SdkClient
}
