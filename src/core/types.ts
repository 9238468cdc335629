/**
 * The vocabulary every part of efsdoctor shares. No AWS SDK, oclif or I/O imports here.
 */
import type {Snapshot, SnapshotPart} from '../model/snapshot.js'
import type {ScopedFileSystem} from '../model/usage.js'

/** error = the mount fails or will fail; warning = works today but fragile or insecure; info = worth knowing. */
export type Severity = 'error' | 'warning' | 'info'
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info']

/** unknown = could not look (denied call, data not collected, check crashed) — never a pass. skipped = not applicable. */
export type Status = 'pass' | 'fail' | 'unknown' | 'skipped'
export const STATUSES: readonly Status[] = ['fail', 'unknown', 'pass', 'skipped']

export type Area = 'efs' | 'network' | 'ecs' | 'userdata' | 'host'

export type ResourceType =
  | 'ecs-cluster'
  | 'ecs-container-instance'
  | 'ec2-instance'
  | 'efs-file-system'
  | 'efs-mount-target'
  | 'efs-access-point'
  | 'security-group'
  | 'subnet'
  | 'network-acl'
  | 'vpc'
  | 'auto-scaling-group'
  | 'user-data'
  | 'task-definition'
  | 'ecs-service'
  | 'cloudformation-resource'

export interface Resource {
  type: ResourceType
  id: string
  arn?: string
}

/** Where a finding points in a file (lint: the template; user data: the decoded script line). */
export interface Location {
  file?: string
  line?: number
  logicalId?: string
}

export interface Fix {
  summary: string
  /** A copy-pasteable command, where one is safe to give. */
  command?: string
}

/** What a check returns for one resource; the runner stamps checkId/title/severity. */
export interface Outcome {
  status: Status
  resource: Resource
  message: string
  fix?: Fix
  evidence?: Record<string, unknown>
  location?: Location
  /** Overrides the check's default severity for this one outcome (e.g. a warning-level variant). */
  severity?: Severity
  /**
   * What tells this outcome apart from the check's other outcomes on the same resource: the file system, AZ, subnet,
   * service, volume, rule… (names and values; see src/core/identity.ts). Part of the finding's identity, so only
   * stable ids — never message text, counts or line numbers.
   */
  key?: Record<string, string>
}

export interface Finding extends Outcome {
  checkId: string
  title: string
  severity: Severity
  /** Set when an ignore rule matched: the finding is still reported but does not fail the run. */
  ignored?: {reason: string}
  /** sha256 of check id, resource and key (src/core/identity.ts): the same finding keeps it across runs. */
  fingerprint?: string
  /** Set by --baseline when the same failure (or unknown) was in the baseline: reported, but not counted. */
  baselined?: true
}

export interface Check {
  /** `<area>/<desired-condition>`; public contract: never rename. */
  id: `${Area}/${string}`
  /** States the desired condition. */
  title: string
  severity: Severity
  /** Why it matters and how the failure shows up (one or two sentences, for docs). */
  description: string
  /** What to do when it fails, in general terms (the per-finding fix is more specific). */
  remediation: string
  docsUrl: string
  /** Snapshot parts the check reads. Missing part + recorded gap → unknown; missing part, no gap → skipped. */
  needs: SnapshotPart[]
  /** What the check needs when linting a template (`scope.source === 'template'`); defaults to `needs`. */
  templateNeeds?: SnapshotPart[]
  /** The verdict and severity it gives in each case, and the source each rests on (rendered in docs/checks.md). */
  policy?: readonly {rule: string; source: string}[]
  run(snapshot: Snapshot): Outcome[]
}

export interface Scope {
  source: 'aws' | 'snapshot' | 'template'
  region?: string
  accountId?: string
  partition?: string
  cluster?: string
  fileSystems?: ScopedFileSystem[]
  snapshotFile?: string
  template?: string
  collectedAt?: string
  notes?: string[]
}

export interface Summary {
  pass: number
  fail: number
  unknown: number
  skipped: number
  ignored: number
  /** With --baseline: findings marked baselined. */
  baselined?: number
}

/** A baseline failure that no longer fails. */
export interface FixedFinding {
  checkId: string
  resource: Resource
  key?: Record<string, string>
  fingerprint: string
  message: string
}

/** What --baseline found: the file, how many failures (and unknowns) are new, and which baseline failures are gone. */
export interface BaselineResult {
  file: string
  new: number
  fixed: FixedFinding[]
}

export interface Report {
  schemaVersion: 1
  tool: {name: 'efsdoctor'; version: string}
  scope: Scope
  findings: Finding[]
  summary: Summary
  /** Present when the run was compared with a --baseline report. */
  baseline?: BaselineResult
}

export type FailOn = Severity | 'none'
