/**
 * A simulated AWS on a loopback HTTP endpoint, for the benchmark and the fault-injection tests. Real SDK v3 clients
 * talk to it through `endpoint` (--endpoint-url), so serialisation, pagination and adaptive retry are exercised
 * for real. It serves a generated cluster (cluster.ts) over ECS and SSM (awsJson1_1), EFS (restJson1), EC2 (ec2
 * query) and Auto Scaling (awsQuery), with latency per call, a per-action token-bucket rate limit answered with
 * each protocol's throttling error, and fault switches. Listens on 127.0.0.1 only.
 */
import {randomUUID} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import * as asgSdk from '@aws-sdk/client-auto-scaling'
import * as ec2Sdk from '@aws-sdk/client-ec2'
import * as iamSdk from '@aws-sdk/client-iam'
import * as stsSdk from '@aws-sdk/client-sts'
import {generateCluster, mountTargetIp, FS, REGION, ACCOUNT, type Cluster} from './cluster.js'
import {ec2ErrorXml, jsonOutput, parseQueryInput, queryErrorXml, schemaOf, xmlOutput, type Shape} from './serde.js'

export type Service = 'ecs' | 'ssm' | 'efs' | 'ec2' | 'autoscaling' | 'iam' | 'sts'
export type SsmFault = 'offline' | 'timeout' | 'failed' | 'undeliverable' | 'truncated' | 'non-linux'

export interface Faults {
  /** IAM actions (e.g. `ec2:DescribeNetworkAcls`) answered with AccessDenied (EC2: UnauthorizedOperation). */
  deny?: string[]
  /** Fraction (0–1) of all calls answered with the protocol's throttling error, deterministic per call count. */
  throttleFraction?: number
  /** IAM actions that are never answered (the request is read, no response is sent). */
  silent?: string[]
  /** Every call fails with this error code (e.g. ExpiredTokenException, AuthFailure, ClusterNotFoundException). */
  everyCall?: {code: string; message?: string; status?: number; actions?: string[]}
  /** SSM behaviour for `ssmInstances` (default: every instance). */
  ssm?: SsmFault
  ssmInstances?: string[]
  /** iam:SimulatePrincipalPolicy answers implicitDeny for these actions. */
  simulateDenied?: string[]
  /** sts:GetCallerIdentity answers this ARN (e.g. an assumed role) instead of an IAM user. */
  callerArn?: string
}

export interface FakeAwsOptions {
  instances: number
  /** Added to every call (default 50 ms). */
  latencyMs?: number
  /** Per IAM action token bucket; false turns it off (default 100 burst, 50 per second). */
  rateLimit?: {burst: number; perSecond: number} | false
  faults?: Faults
  /** DescribeFileSystems page size (default 100, the API's; tests use 1 to exercise Marker pagination). */
  fileSystemPageSize?: number
}

export interface RequestRecord {
  action: string
  start: number
  end: number
  status: number
  code?: string
}

interface FakeError {code: string; message: string; status: number}

const fail = (code: string, message: string, status = 400): never => { throw {code, message, status} satisfies FakeError }

const ECS_TARGET = 'AmazonEC2ContainerServiceV20141113.'
const SSM_TARGET = 'AmazonSSM.'
const ASG_NS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/'
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/'
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/'
const IAM_PREFIX: Record<Service, string> = {ecs: 'ecs', ssm: 'ssm', efs: 'elasticfilesystem', ec2: 'ec2', autoscaling: 'autoscaling', iam: 'iam', sts: 'sts'}

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms))

function page<T>(items: readonly T[], token: string | undefined, size: number): {items: T[]; next?: string} {
  const start = token ? Number(Buffer.from(token, 'base64').toString()) : 0
  if (!Number.isInteger(start) || start < 0) fail('InvalidNextToken', 'The token is not valid.')
  const end = start + size
  return {items: items.slice(start, end), next: end < items.length ? Buffer.from(String(end)).toString('base64') : undefined}
}

function filterSet(input: Shape, name: string): Set<string> | undefined {
  const f = (input.Filters as {Name?: string; Values?: string[]}[] | undefined)?.find(x => x.Name === name)
  return f ? new Set(f.Values) : undefined
}

/**
 * Probe output template (a captured AL2023 run) with this cluster's file system: DNS answers with the instance's own
 * mount-target IP, and a TCP line for every AZ's mount target (the probe command is the same for every instance).
 */
function probeOutputFor(az: number): string {
  let text: string
  try {
    text = readFileSync(new URL('../../test/fixtures/probe/al2023-healthy.txt', import.meta.url), 'utf8')
  } catch {
    text = 'EFSD\t1\t1\nOS\tamzn\t2023\tAmazon Linux 2023\nEND\t0\n'
  }
  const tcp = [0, 1, 2].map(i => `TCP\t${mountTargetIp(i)}\t2049\topen`).join('\n')
  return text.replace(/fs-0a1b2c3d4e5f60718/g, FS).replace(/^TCP\t.*$/m, tcp).replace(/10\.20\.1\.25/g, mountTargetIp(az))
}

/** SSM's 2,500-character plugin output in ListCommandInvocations (Details=true). */
const PLUGIN_OUTPUT_LIMIT = 2500

/**
 * aws:runShellScript plugin output as ListCommandInvocations returns it: stdout, then stderr behind an ERROR line,
 * cut at 2,500 characters (GetCommandInvocation returns up to 24,000 of stdout).
 */
export function pluginOutput(stdout: string, stderr: string): string {
  const all = stderr ? `${stdout}\n----------ERROR-------\n${stderr}` : stdout
  return all.slice(0, PLUGIN_OUTPUT_LIMIT)
}

/**
 * The part of ECS's cluster query language the collector uses: clauses joined by `or`/`and` over ec2InstanceId
 * (==, !=, =~, !~; Java-style whole-string regex) and agentConnected. Anything else is rejected as ECS would.
 */
function clusterQuery(expr: string): (ci: Shape) => boolean {
  if (/[()[\]]/.test(expr.replace(/=~ \S+|!~ \S+/g, ''))) fail('InvalidParameterException', `Invalid filter expression: ${expr}`)
  const ors = expr.split(/\s+or\s+/).map(part => part.split(/\s+and\s+/).map(clause => {
    const m = /^\s*(ec2InstanceId|agentConnected)\s*(==|!=|=~|!~)\s*(\S+)\s*$/.exec(clause)
    if (!m) return fail('InvalidParameterException', `Invalid filter expression: ${clause}`)
    const [, subject, op, arg] = m
    return (ci: Shape): boolean => {
      const value = String(subject === 'ec2InstanceId' ? ci.ec2InstanceId : ci.agentConnected)
      if (op === '==') return value === arg
      if (op === '!=') return value !== arg
      const re = new RegExp(`^(?:${arg})$`)
      return op === '=~' ? re.test(value) : !re.test(value)
    }
  }))
  return ci => ors.some(ands => ands.every(f => f(ci)))
}

interface CommandState {
  id: string
  instanceIds: string[]
  requestedAt: Date
  timeoutSeconds: number
}

export class FakeAws {
  readonly cluster: Cluster
  readonly records: RequestRecord[] = []
  faults: Faults
  latencyMs: number
  private server?: Server
  private readonly buckets = new Map<string, {tokens: number; at: number}>()
  private callCount = 0
  private readonly commands = new Map<string, CommandState>()
  /** The PolicySourceArn of the last iam:SimulatePrincipalPolicy. */
  simulatedFor?: string
  private readonly probeOutputs = [0, 1, 2].map(probeOutputFor)

  constructor(readonly opts: FakeAwsOptions) {
    this.cluster = generateCluster(opts.instances)
    this.faults = opts.faults ?? {}
    this.latencyMs = opts.latencyMs ?? 50
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => { void this.handle(req, res) })
    this.server.keepAliveTimeout = 5000
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve))
    return this.url
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    if (!this.server) return
    this.server.closeAllConnections()
    await new Promise<void>(resolve => this.server!.close(() => resolve()))
  }

  /**
   * Serialises the biggest responses a few times without HTTP, so a benchmark does not measure this process's own
   * JIT warm-up as AWS latency.
   */
  warmUp(): void {
    const ids = this.cluster.instanceIds.slice(0, 200)
    const devNull = {writeHead: () => undefined, end: () => undefined} as unknown as ServerResponse
    for (let k = 0; k < 3; k++) {
      this.respond(devNull, 'ec2', 'DescribeInstances', this.dispatch('ec2', 'DescribeInstances', {Filters: [{Name: 'instance-id', Values: ids}]}), 'warm')
      this.respond(devNull, 'autoscaling', 'DescribeAutoScalingGroups', this.dispatch('autoscaling', 'DescribeAutoScalingGroups', {}), 'warm')
      this.respond(devNull, 'ecs', 'DescribeContainerInstances',
        this.dispatch('ecs', 'DescribeContainerInstances', {containerInstances: this.cluster.containerInstanceArns.slice(0, 100)}), 'warm')
    }
  }

  /** Calls by IAM action since the last reset (throttled and failed ones included). */
  countByAction(filter: (r: RequestRecord) => boolean = () => true): Record<string, number> {
    const out: Record<string, number> = {}
    for (const r of this.records) if (filter(r)) out[r.action] = (out[r.action] ?? 0) + 1
    return out
  }

  reset(): void {
    this.records.length = 0
    this.buckets.clear()
    this.callCount = 0
  }

  // ---------- transport ----------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = performance.now()
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const requestId = randomUUID()
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname.startsWith('/__fake/')) {
      // Control endpoints for a fake running in another process (the benchmark): records and reset.
      if (url.pathname === '/__fake/reset') this.reset()
      res.writeHead(200, {'content-type': 'application/json'})
      res.end(JSON.stringify(url.pathname === '/__fake/records' ? this.records : {ok: true}))
      return
    }
    let service: Service
    let op: string
    let input: Shape
    const target = String(req.headers['x-amz-target'] ?? '')
    let form: URLSearchParams | undefined
    if (target.startsWith(ECS_TARGET) || target.startsWith(SSM_TARGET)) {
      service = target.startsWith(ECS_TARGET) ? 'ecs' : 'ssm'
      op = target.slice(target.indexOf('.') + 1)
      input = body ? JSON.parse(body) : {}
    } else if (url.pathname.startsWith('/2015-02-01/')) {
      service = 'efs'
      const policy = /^\/2015-02-01\/file-systems\/([^/]+)\/policy$/.exec(url.pathname)
      op = policy ? 'DescribeFileSystemPolicy'
        : url.pathname === '/2015-02-01/file-systems' ? 'DescribeFileSystems'
          : url.pathname === '/2015-02-01/mount-targets' ? 'DescribeMountTargets'
            : url.pathname === '/2015-02-01/access-points' ? 'DescribeAccessPoints' : 'Unknown'
      input = Object.fromEntries(url.searchParams)
      if (policy) input.FileSystemId = decodeURIComponent(policy[1])
      for (const k of ['MaxItems', 'MaxResults']) if (input[k] !== undefined) input[k] = Number(input[k])
    } else {
      form = new URLSearchParams(body)
      const version = form.get('Version')
      service = version === '2016-11-15' ? 'ec2' : version === '2011-01-01' ? 'autoscaling' : version === '2010-05-08' ? 'iam' : 'sts'
      op = form.get('Action') ?? 'Unknown'
      const mod = service === 'ec2' ? ec2Sdk : service === 'autoscaling' ? asgSdk : service === 'iam' ? iamSdk : stsSdk
      const opSchema = (mod as Record<string, unknown> | undefined)?.[`${op}$`]
      input = opSchema ? parseQueryInput(form, schemaOf(opSchema, 'input'), service === 'ec2' ? 'ec2' : 'query') : {}
    }
    const action = `${IAM_PREFIX[service]}:${op}`
    // NOTE: a silent peer: the connection stays open and nothing is ever answered.
    if (this.faults.silent?.includes(action)) return
    let status = 200
    let code: string | undefined
    try {
      if (this.latencyMs > 0) await sleep(this.latencyMs)
      this.injectFaults(service, action)
      const output = this.dispatch(service, op, input)
      this.respond(res, service, op, output, requestId)
    } catch (e) {
      const err: FakeError = (e as FakeError)?.code ? e as FakeError : {code: 'InternalFailure', message: String((e as Error)?.stack ?? e), status: 500}
      status = err.status
      code = err.code
      this.respondError(res, service, err, requestId)
    }
    this.records.push({action, start, end: performance.now(), status, ...(code ? {code} : {})})
  }

  private injectFaults(service: Service, action: string): void {
    const f = this.faults
    if (f.everyCall && (!f.everyCall.actions || f.everyCall.actions.includes(action))) {
      fail(f.everyCall.code, f.everyCall.message ?? `${f.everyCall.code} (simulated)`, f.everyCall.status ?? 400)
    }
    const throttle = (): never => {
      if (service === 'ec2') fail('RequestLimitExceeded', 'Request limit exceeded.', 503)
      if (service === 'autoscaling' || service === 'iam' || service === 'sts') fail('Throttling', 'Rate exceeded', 400)
      if (service === 'efs') fail('ThrottlingException', 'Rate exceeded', 429)
      return fail('ThrottlingException', 'Rate exceeded', 400)
    }
    const n = ++this.callCount
    if (f.throttleFraction && Math.floor(n * f.throttleFraction) !== Math.floor((n - 1) * f.throttleFraction)) throttle()
    const limit = this.opts.rateLimit === undefined ? {burst: 100, perSecond: 50} : this.opts.rateLimit
    if (limit) {
      const now = performance.now()
      const b = this.buckets.get(action) ?? {tokens: limit.burst, at: now}
      b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.perSecond)
      b.at = now
      this.buckets.set(action, b)
      if (b.tokens < 1) throttle()
      b.tokens -= 1
    }
    if (f.deny?.includes(action)) {
      const msg = `User: arn:aws:iam::${ACCOUNT}:user/efsdoctor is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`
      if (service === 'ec2') fail('UnauthorizedOperation', `You are not authorized to perform this operation. ${msg}`, 403)
      if (service === 'autoscaling' || service === 'iam' || service === 'sts') fail('AccessDenied', msg, 403)
      fail(service === 'efs' ? 'AccessDeniedException' : 'AccessDeniedException', msg, service === 'efs' ? 403 : 400)
    }
  }

  private respond(res: ServerResponse, service: Service, op: string, output: Shape, requestId: string): void {
    if (service === 'ecs' || service === 'ssm' || service === 'efs') {
      res.writeHead(200, {'content-type': service === 'efs' ? 'application/json' : 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId})
      res.end(JSON.stringify(jsonOutput(output ?? {})))
      return
    }
    const mod = service === 'ec2' ? ec2Sdk : service === 'autoscaling' ? asgSdk : service === 'iam' ? iamSdk : stsSdk
    const schema = schemaOf((mod as Record<string, unknown>)[`${op}$`], 'output')
    const ns = service === 'autoscaling' ? ASG_NS : service === 'iam' ? IAM_NS : STS_NS
    res.writeHead(200, {'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId})
    res.end(xmlOutput(op, schema, output, service === 'ec2' ? 'ec2' : 'query', requestId, ns))
  }

  private respondError(res: ServerResponse, service: Service, err: FakeError, requestId: string): void {
    if (service === 'ec2') {
      res.writeHead(err.status, {'content-type': 'text/xml;charset=UTF-8'})
      res.end(ec2ErrorXml(err.code, err.message, requestId))
    } else if (service === 'autoscaling' || service === 'iam' || service === 'sts') {
      const ns = service === 'autoscaling' ? ASG_NS : service === 'iam' ? IAM_NS : STS_NS
      res.writeHead(err.status, {'content-type': 'text/xml', 'x-amzn-requestid': requestId})
      res.end(queryErrorXml(err.code, err.message, requestId, ns, err.status < 500))
    } else if (service === 'efs') {
      res.writeHead(err.status, {'content-type': 'application/json', 'x-amzn-errortype': err.code, 'x-amzn-requestid': requestId})
      res.end(JSON.stringify({ErrorCode: err.code, Message: err.message}))
    } else {
      res.writeHead(err.status, {'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId})
      res.end(JSON.stringify({__type: err.code, message: err.message}))
    }
  }

  // ---------- operations ----------

  private dispatch(service: Service, op: string, input: Shape): Shape {
    const handler = (this.handlers as Record<string, ((i: Shape) => Shape) | undefined>)[`${service}:${op}`]
    if (!handler) {
      if (service === 'ec2') fail('InvalidAction', `The action ${op} is not valid for this web service.`, 400)
      fail('UnknownOperationException', `${service}:${op} is not simulated`, 400)
    }
    return handler!(input)
  }

  private readonly handlers = {
    // ECS
    'ecs:DescribeClusters': (i: Shape) => {
      const c = this.cluster
      const want = (i.clusters as string[] | undefined)?.[0] ?? 'default'
      const match = want === 'prod' || want === c.clusterArn
      return match
        ? {clusters: [{clusterName: 'prod', clusterArn: c.clusterArn, status: 'ACTIVE', registeredContainerInstancesCount: c.n,
          runningTasksCount: c.taskArns.length, activeServicesCount: c.serviceArns.length}], failures: []}
        : {clusters: [], failures: [{arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${want}`, reason: 'MISSING'}]}
    },
    'ecs:ListContainerInstances': (i: Shape) => {
      this.requireCluster(i.cluster)
      const match = i.filter ? clusterQuery(i.filter) : undefined
      const arns = this.cluster.containerInstanceArns.filter(a => !match || match(this.cluster.containerInstances.get(a) as Shape))
      const p = page(arns, i.nextToken, Math.min(i.maxResults ?? 100, 100))
      return {containerInstanceArns: p.items, nextToken: p.next}
    },
    'ecs:DescribeContainerInstances': (i: Shape) => {
      this.requireCluster(i.cluster)
      const arns = i.containerInstances as string[]
      if (!arns?.length || arns.length > 100) fail('InvalidParameterException', 'containerInstances must have 1 to 100 entries')
      const found = arns.map(a => this.cluster.containerInstances.get(a))
      return {containerInstances: found.filter(Boolean), failures: arns.filter((_, k) => !found[k]).map(arn => ({arn, reason: 'MISSING'}))}
    },
    'ecs:ListServices': (i: Shape) => {
      this.requireCluster(i.cluster)
      const p = page(this.cluster.serviceArns, i.nextToken, Math.min(i.maxResults ?? 10, 100))
      return {serviceArns: p.items, nextToken: p.next}
    },
    'ecs:DescribeServices': (i: Shape) => {
      this.requireCluster(i.cluster)
      const arns = i.services as string[]
      if (!arns?.length || arns.length > 10) fail('InvalidParameterException', 'services must have 1 to 10 entries')
      return {services: arns.map(a => this.cluster.services.get(a)).filter(Boolean), failures: []}
    },
    'ecs:ListTasks': (i: Shape) => {
      this.requireCluster(i.cluster)
      const p = page(this.cluster.taskArns, i.nextToken, Math.min(i.maxResults ?? 100, 100))
      return {taskArns: p.items, nextToken: p.next}
    },
    'ecs:DescribeTasks': (i: Shape) => {
      this.requireCluster(i.cluster)
      const arns = i.tasks as string[]
      if (!arns?.length || arns.length > 100) fail('InvalidParameterException', 'tasks must have 1 to 100 entries')
      return {tasks: arns.map(a => this.cluster.tasks.get(a)).filter(Boolean), failures: []}
    },
    'ecs:DescribeTaskDefinition': (i: Shape) => {
      const td = this.cluster.taskDefinitions.get(i.taskDefinition)
      if (!td) fail('ClientException', 'Unable to describe task definition.')
      return {taskDefinition: td, tags: []}
    },

    // EC2
    'ec2:DescribeInstances': (i: Shape) => {
      const ids = this.idFilter(i, 'instance-id', i.InstanceIds)
      const found = ids ? [...ids].filter(id => this.cluster.instances.has(id)) : this.cluster.instanceIds
      if (i.InstanceIds?.length && found.length < i.InstanceIds.length) {
        fail('InvalidInstanceID.NotFound', `The instance IDs '${(i.InstanceIds as string[]).filter(x => !found.includes(x)).join(', ')}' do not exist`)
      }
      const p = page(found, i.NextToken, this.maxResults(i, 1000))
      // NOTE: one reservation per 20 instances, as an Auto Scaling group launches them in small batches.
      const reservations: Shape[] = []
      for (let k = 0; k < p.items.length; k += 20) {
        reservations.push({ReservationId: `r-${(k + 1).toString(16).padStart(17, '0')}`, OwnerId: ACCOUNT,
          Instances: p.items.slice(k, k + 20).map(id => this.cluster.instances.get(id))})
      }
      return {Reservations: reservations, NextToken: p.next}
    },
    'ec2:DescribeInstanceAttribute': (i: Shape) => {
      if (!this.cluster.instances.has(i.InstanceId)) fail('InvalidInstanceID.NotFound', `The instance ID '${i.InstanceId}' does not exist`)
      return {InstanceId: i.InstanceId, UserData: {Value: Buffer.from('#!/bin/bash\necho standalone').toString('base64')}}
    },
    'ec2:DescribeNetworkInterfaces': (i: Shape) => this.describeList(i, this.cluster.networkInterfaces, 'network-interface-id', 'NetworkInterfaceId', 'NetworkInterfaceIds', 'NetworkInterfaces'),
    'ec2:DescribeSecurityGroups': (i: Shape) => this.describeList(i, this.cluster.securityGroups, 'group-id', 'GroupId', 'GroupIds', 'SecurityGroups'),
    'ec2:DescribeSubnets': (i: Shape) => this.describeList(i, this.cluster.subnets, 'subnet-id', 'SubnetId', 'SubnetIds', 'Subnets'),
    'ec2:DescribeVpcs': (i: Shape) => this.describeList(i, this.cluster.vpcs, 'vpc-id', 'VpcId', 'VpcIds', 'Vpcs'),
    'ec2:DescribeDhcpOptions': (i: Shape) => this.describeList(i, this.cluster.dhcpOptions, 'dhcp-options-id', 'DhcpOptionsId', 'DhcpOptionsIds', 'DhcpOptions'),
    'ec2:DescribeNetworkAcls': (i: Shape) => {
      const subnets = filterSet(i, 'association.subnet-id')
      const all = this.cluster.networkAcls.filter(a => !subnets || (a.Associations as {SubnetId: string}[]).some(x => subnets.has(x.SubnetId)))
      const p = page(all, i.NextToken, this.maxResults(i, 1000))
      return {NetworkAcls: p.items, NextToken: p.next}
    },
    'ec2:DescribeVpcAttribute': (i: Shape) => {
      const attrs = this.cluster.vpcAttributes.get(i.VpcId)
      if (!attrs) fail('InvalidVpcID.NotFound', `The vpc ID '${i.VpcId}' does not exist`)
      if (i.Attribute === 'enableDnsSupport') return {VpcId: i.VpcId, EnableDnsSupport: {Value: attrs!.enableDnsSupport}}
      if (i.Attribute === 'enableDnsHostnames') return {VpcId: i.VpcId, EnableDnsHostnames: {Value: attrs!.enableDnsHostnames}}
      return fail('InvalidParameterValue', `Value (${i.Attribute}) for parameter attribute is invalid.`)
    },
    'ec2:DescribeImages': (i: Shape) => {
      const ids = this.idFilter(i, 'image-id', i.ImageIds)
      // NOTE: every instance runs the ECS-optimized Amazon Linux 2 AMI (aws/amazon-ecs-ami's naming).
      return {Images: [...(ids ?? [])].filter(id => id === 'ami-0f1e2d3c4b5a69788').map(id => ({ImageId: id, Name: 'amzn2-ami-ecs-hvm-2.0.20251120-x86_64-ebs', State: 'available'}))}
    },
    'ec2:DescribeLaunchTemplateVersions': (i: Shape) => {
      const versions = (i.Versions as string[] | undefined) ?? []
      const all = this.cluster.launchTemplateVersions.filter(v => v.LaunchTemplateId === i.LaunchTemplateId)
      if (!all.length) fail('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${i.LaunchTemplateId}, does not exist.`)
      const chosen = versions.length ? all.filter(v => versions.includes(String(v.VersionNumber)) || (v.DefaultVersion && versions.includes('$Default'))) : all
      const p = page(chosen, i.NextToken, this.maxResults(i, 200))
      return {LaunchTemplateVersions: p.items, NextToken: p.next}
    },

    // Auto Scaling
    'autoscaling:DescribeAutoScalingGroups': (i: Shape) => {
      const names = i.AutoScalingGroupNames as string[] | undefined
      const all = this.cluster.autoScalingGroups.filter(g => !names?.length || names.includes(g.AutoScalingGroupName as string))
      const p = page(all, i.NextToken, Math.min(i.MaxRecords ?? 50, 100))
      return {AutoScalingGroups: p.items, NextToken: p.next}
    },
    'autoscaling:DescribeLaunchConfigurations': () => ({LaunchConfigurations: []}),

    // EFS
    'efs:DescribeFileSystems': (i: Shape) => {
      const all = this.cluster.fileSystems.filter(f => !i.FileSystemId || f.FileSystemId === i.FileSystemId)
      if (i.FileSystemId && !all.length) fail('FileSystemNotFound', `File system '${i.FileSystemId}' does not exist.`, 404)
      const p = page(all, i.Marker, Math.min(i.MaxItems ?? 100, this.opts.fileSystemPageSize ?? 100))
      return {FileSystems: p.items, NextMarker: p.next, Marker: i.Marker}
    },
    'efs:DescribeMountTargets': (i: Shape) => {
      if (!i.FileSystemId && !i.MountTargetId) fail('BadRequest', 'FileSystemId or MountTargetId is required', 400)
      if (i.FileSystemId && !this.cluster.fileSystems.some(f => f.FileSystemId === i.FileSystemId)) {
        fail('FileSystemNotFound', `File system '${i.FileSystemId}' does not exist.`, 404)
      }
      const all = this.cluster.mountTargets.filter(m => (!i.FileSystemId || m.FileSystemId === i.FileSystemId) && (!i.MountTargetId || m.MountTargetId === i.MountTargetId))
      const p = page(all, i.Marker, Math.min(i.MaxItems ?? 10, 100))
      return {MountTargets: p.items, NextMarker: p.next, Marker: i.Marker}
    },
    'efs:DescribeFileSystemPolicy': (i: Shape) => {
      if (!this.cluster.fileSystems.some(f => f.FileSystemId === i.FileSystemId)) fail('FileSystemNotFound', `File system '${i.FileSystemId}' does not exist.`, 404)
      const policy = this.cluster.fileSystemPolicies.get(i.FileSystemId)
      if (!policy) fail('PolicyNotFound', 'No file system policy found.', 404)
      return {FileSystemId: i.FileSystemId, Policy: policy}
    },
    'efs:DescribeAccessPoints': (i: Shape) => {
      const all = this.cluster.accessPoints.filter(a => !i.FileSystemId || a.FileSystemId === i.FileSystemId)
      const p = page(all, i.NextToken, Math.min(i.MaxResults ?? 100, 100))
      return {AccessPoints: p.items, NextToken: p.next}
    },

    // SSM
    'ssm:DescribeInstanceInformation': (i: Shape) => {
      const want = (i.Filters as {Key: string; Values: string[]}[] | undefined)?.find(f => f.Key === 'InstanceIds')?.Values
      if (want && want.length > 50) fail('InvalidInstanceInformationFilterValue', 'at most 50 instance ids')
      const ids = (want ?? this.cluster.instanceIds).filter(id => this.cluster.instances.has(id))
      const p = page(ids, i.NextToken, Math.min(i.MaxResults ?? 10, 50))
      return {InstanceInformationList: p.items.map(id => {
        const fault = this.ssmFault(id)
        return {InstanceId: id, PingStatus: fault === 'offline' ? 'ConnectionLost' : 'Online',
          LastPingDateTime: new Date(Date.now() - (fault === 'offline' ? 3_600_000 : 30_000)), AgentVersion: '3.3.1142.0', IsLatestVersion: false,
          PlatformType: fault === 'non-linux' ? 'Windows' : 'Linux', PlatformName: fault === 'non-linux' ? 'Microsoft Windows Server 2022 Datacenter' : 'Amazon Linux',
          PlatformVersion: fault === 'non-linux' ? '10.0.20348' : '2023', ResourceType: 'EC2Instance', IPAddress: (this.cluster.instances.get(id) as Shape).PrivateIpAddress,
          ComputerName: (this.cluster.instances.get(id) as Shape).PrivateDnsName}
      }), NextToken: p.next}
    },
    'ssm:SendCommand': (i: Shape) => {
      const ids = i.InstanceIds as string[] | undefined
      if (i.DocumentName !== 'AWS-RunShellScript') fail('InvalidDocument', `document ${i.DocumentName} is not simulated`)
      if (!ids?.length || ids.length > 50) fail('ValidationException', 'InstanceIds must have 1 to 50 entries')
      for (const id of ids!) if (!this.cluster.instances.has(id)) fail('InvalidInstanceId', `Instances [[${id}]] not in a valid state for account ${ACCOUNT}`)
      const id = randomUUID()
      const timeoutSeconds = Number((i.Parameters?.executionTimeout as string[] | undefined)?.[0] ?? 3600)
      this.commands.set(id, {id, instanceIds: ids!, requestedAt: new Date(), timeoutSeconds})
      return {Command: {CommandId: id, DocumentName: 'AWS-RunShellScript', InstanceIds: ids, Status: 'Pending', RequestedDateTime: new Date(),
        TargetCount: ids!.length, CompletedCount: 0, ErrorCount: 0, Comment: i.Comment, TimeoutSeconds: i.TimeoutSeconds}}
    },
    'ssm:ListCommandInvocations': (i: Shape) => {
      const cmd = this.commands.get(i.CommandId)
      if (!cmd) fail('InvalidCommandId', 'invalid command id')
      const p = page(cmd!.instanceIds, i.NextToken, Math.min(i.MaxResults ?? 50, 50))
      return {CommandInvocations: p.items.map(id => {
        const r = this.invocation(cmd!, id)
        return {CommandId: cmd!.id, InstanceId: id, DocumentName: 'AWS-RunShellScript', RequestedDateTime: cmd!.requestedAt,
          Status: r.Status, StatusDetails: r.StatusDetails, ...(i.Details ? {CommandPlugins: [{Name: 'aws:runShellScript',
            Status: r.Status, StatusDetails: r.StatusDetails, ResponseCode: r.ResponseCode, Output: pluginOutput(r.StandardOutputContent, r.StandardErrorContent)}]} : {})}
      }), NextToken: p.next}
    },
    'ssm:GetCommandInvocation': (i: Shape) => {
      const cmd = this.commands.get(i.CommandId)
      if (!cmd || !cmd.instanceIds.includes(i.InstanceId)) fail('InvocationDoesNotExist', 'invocation does not exist')
      const r = this.invocation(cmd!, i.InstanceId)
      return {CommandId: cmd!.id, InstanceId: i.InstanceId, DocumentName: 'AWS-RunShellScript', PluginName: 'aws:runShellScript', ...r}
    },

    // IAM / STS (pre-flight)
    'iam:SimulatePrincipalPolicy': (i: Shape) => {
      if (!/^arn:aws:iam::\d{12}:(user|role)\//.test(i.PolicySourceArn ?? '')) fail('InvalidInput', `Invalid ARN: ${i.PolicySourceArn}`)
      this.simulatedFor = i.PolicySourceArn
      const denied = new Set(this.faults.simulateDenied ?? [])
      return {IsTruncated: false, EvaluationResults: ((i.ActionNames as string[]) ?? []).map(a => ({EvalActionName: a, EvalResourceName: '*',
        EvalDecision: denied.has(a) ? 'implicitDeny' : 'allowed', MatchedStatements: [], MissingContextValues: []}))}
    },
    'iam:GetRole': (i: Shape) => ({Role: {RoleName: i.RoleName, RoleId: 'AROAEXAMPLE000000001', Path: '/team/',
      Arn: `arn:aws:iam::${ACCOUNT}:role/team/${i.RoleName}`, CreateDate: new Date('2025-01-01T00:00:00Z'), AssumeRolePolicyDocument: '{}'}}),
    'iam:GetUser': () => ({User: {UserName: 'efsdoctor', UserId: 'AIDAEXAMPLE000000001', Arn: `arn:aws:iam::${ACCOUNT}:user/efsdoctor`, Path: '/', CreateDate: new Date('2025-01-01T00:00:00Z')}}),
    'sts:GetCallerIdentity': () => this.faults.callerArn
      ? {UserId: 'AROAEXAMPLE000000001:session', Account: ACCOUNT, Arn: this.faults.callerArn}
      : {UserId: 'AIDAEXAMPLE000000001', Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/efsdoctor`},
  }

  private requireCluster(cluster: string | undefined): void {
    if (cluster && cluster !== 'prod' && cluster !== this.cluster.clusterArn) fail('ClusterNotFoundException', 'Cluster not found.')
  }

  private maxResults(i: Shape, max: number): number {
    const m = i.MaxResults as number | undefined
    if (m !== undefined && (m < 5 || m > max)) fail('InvalidParameterValue', `Value ( ${m} ) for parameter maxResults is invalid. Expecting a value between 5 and ${max}.`)
    return m ?? max
  }

  private idFilter(i: Shape, filter: string, ids: string[] | undefined): Set<string> | undefined {
    const f = filterSet(i, filter)
    if (f && f.size > 200) fail('InvalidParameterValue', `The filter '${filter}' has more than 200 values`)
    if (ids?.length) return new Set(ids)
    return f
  }

  private describeList(i: Shape, all: Record<string, unknown>[], filter: string, key: string, idsParam: string, out: string): Shape {
    const want = this.idFilter(i, filter, i[idsParam])
    const items = all.filter(x => !want || want.has(x[key] as string))
    const p = page(items, i.NextToken, this.maxResults(i, 1000))
    return {[out]: p.items, NextToken: p.next}
  }

  private ssmFault(instanceId: string): SsmFault | undefined {
    const f = this.faults
    if (!f.ssm) return undefined
    return !f.ssmInstances || f.ssmInstances.includes(instanceId) ? f.ssm : undefined
  }

  /** The state of one invocation: terminal at once (the fake runs nothing), shaped by the SSM fault switches. */
  private invocation(cmd: CommandState, id: string): {Status: string; StatusDetails: string; ResponseCode: number; StandardOutputContent: string; StandardErrorContent: string} {
    const out = this.probeOutputs[this.cluster.azOf.get(id) ?? 0]
    switch (this.ssmFault(id)) {
      case 'offline': return {Status: 'TimedOut', StatusDetails: 'DeliveryTimedOut', ResponseCode: -1, StandardOutputContent: '', StandardErrorContent: ''}
      case 'undeliverable': return {Status: 'Failed', StatusDetails: 'Undeliverable', ResponseCode: -1, StandardOutputContent: '', StandardErrorContent: ''}
      case 'non-linux': return {Status: 'Failed', StatusDetails: 'InvalidPlatform', ResponseCode: -1, StandardOutputContent: '', StandardErrorContent: ''}
      case 'timeout': return {Status: 'TimedOut', StatusDetails: 'ExecutionTimedOut', ResponseCode: -1,
        StandardOutputContent: out.split('\n').slice(0, 6).join('\n'), StandardErrorContent: `command timed out after ${cmd.timeoutSeconds} seconds`}
      case 'failed': return {Status: 'Failed', StatusDetails: 'Failed', ResponseCode: 127, StandardOutputContent: '',
        StandardErrorContent: '/var/lib/amazon/ssm/i-0/document/orchestration/x/awsrunShellScript/0.awsrunShellScript/_script.sh: line 9: bash: command not found'}
      case 'truncated': {
        const long = out.replace(/\nEND\t.*$/s, '\n') + Array.from({length: 600}, (_, k) => `CONTAINER\t${k.toString(16).padStart(12, '0')}\tecs-prod-web-42-web-${k}\t${1000 + k}\tarn:aws:ecs:${REGION}:${ACCOUNT}:task/prod/${k}`).join('\n')
        return {Status: 'Success', StatusDetails: 'Success', ResponseCode: 0, StandardOutputContent: long.slice(0, 24000), StandardErrorContent: ''}
      }
      default: return {Status: 'Success', StatusDetails: 'Success', ResponseCode: 0, StandardOutputContent: out, StandardErrorContent: ''}
    }
  }
}

/** Starts a simulated AWS; remember to `stop()` it. */
export async function startFakeAws(opts: FakeAwsOptions): Promise<FakeAws> {
  const fake = new FakeAws(opts)
  await fake.start()
  return fake
}
