/**
 * A small hand-made catalogue and report for renderer tests: every status, an ignored fail, a lint finding with a
 * template location, a live finding with an ARN, and text that needs escaping in XML and Markdown.
 */
import {defineCheck} from '../../src/core/define-check.js'
import {summarize} from '../../src/core/run-checks.js'
import type {Check, Finding, Report} from '../../src/core/types.js'
import type {RenderContext} from '../../src/report/renderer.js'

const check = (id: Check['id'], severity: Check['severity'] = 'error'): Check => defineCheck({
  id, severity, title: `Title of ${id}`, description: `Why ${id} matters.`, remediation: `Repair ${id}.`,
  docsUrl: `https://docs.example.com/${id}`, needs: [], run: () => [],
})

export const catalogue: Check[] = [
  check('efs/mount-target-available'),
  check('efs/file-system-writable', 'warning'),
  check('network/mount-target-sg-allows-nfs'),
  check('ecs/container-instances-healthy'),
  check('userdata/fstab-netdev', 'warning'),
  check('host/nfs-client-installed', 'info'),
]

export const ctx: RenderContext = {catalogue, color: false, verbose: false}

const base = (checkId: string, severity: Finding['severity'] = 'error') => ({checkId, title: `Title of ${checkId}`, severity})

export const findings: Finding[] = [
  {...base('efs/mount-target-available'), status: 'pass', resource: {type: 'efs-mount-target', id: 'fsmt-0aa1110000000000a'}, message: 'available'},
  {...base('efs/mount-target-available'), status: 'fail', resource: {type: 'efs-mount-target', id: 'fsmt-0bb2220000000000b', arn: 'arn:aws:elasticfilesystem:eu-west-1:111122223333:file-system/fs-0a1b2c3d4e5f60718'},
    message: 'Mount target fsmt-0bb2220000000000b is "deleting" & <gone> | soon', fix: {summary: 'Recreate the mount target.', command: 'aws efs create-mount-target --file-system-id fs-0a1b2c3d4e5f60718 \\\n  --subnet-id subnet-0bb2220000000000b'}},
  {...base('efs/file-system-writable', 'warning'), status: 'fail', resource: {type: 'efs-file-system', id: 'fs-0a1b2c3d4e5f60718'},
    message: 'Replication destination is read-only', fix: {summary: 'Mount the source file system.'}, ignored: {reason: 'DR copy, read-only on purpose'}},
  {...base('network/mount-target-sg-allows-nfs'), status: 'unknown', resource: {type: 'security-group', id: 'sg-0fedcba9876543210'},
    message: 'Could not evaluate: ec2:DescribeSecurityGroups failed (AccessDenied)'},
  {...base('ecs/container-instances-healthy'), status: 'skipped', resource: {type: 'ecs-cluster', id: 'prod'}, message: 'Nothing to evaluate in this scope.'},
  {...base('userdata/fstab-netdev', 'warning'), status: 'fail', resource: {type: 'cloudformation-resource', id: 'LaunchTemplate'},
    location: {file: 'examples/templates/broken stack.yml', line: 42, logicalId: 'LaunchTemplate'},
    message: 'fstab line has no _netdev', fix: {summary: 'Add _netdev,nofail to the fstab options.', command: "sed -i 's/nfs4 defaults/nfs4 defaults,_netdev,nofail/' /etc/fstab"}},
]

export function report(list: Finding[] = findings, scope: Partial<Report['scope']> = {}): Report {
  return {
    schemaVersion: 1,
    tool: {name: 'efsdoctor', version: '0.1.0'},
    scope: {source: 'aws', region: 'eu-west-1', accountId: '111122223333', cluster: 'prod', collectedAt: '2026-11-27T10:00:00.000Z', ...scope},
    findings: list,
    summary: summarize(list),
  }
}
