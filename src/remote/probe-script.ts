/**
 * Loads the host probe script and builds the command text sent through SSM (AWS-RunShellScript).
 * The script runs under bash even where /bin/sh is dash; inputs travel as exported EFSD_* variables.
 */
import {readFileSync} from 'node:fs'
import {shellQuote} from '../core/shell.js'
import {codeFile} from '../core/package-files.js'

export interface ProbeInputs {
  /** EFS DNS names to resolve, e.g. fs-0123….efs.eu-west-1.amazonaws.com */
  fsDnsNames?: string[]
  /** Mount-target IPs to TCP-connect to on port 2049: every AZ's (one command for all instances; checks pick their AZ's). */
  mountTargetIps?: string[]
  /** Host paths expected on EFS (mount points from UserData, task-definition host.sourcePath). */
  expectedPaths?: string[]
  /** `fs-id:/path` directories to look for under each mount of a file system's root (task-volume root directories). */
  rootDirectories?: string[]
  /** Seconds per TCP connect (default 3). */
  tcpTimeoutSeconds?: number
}

let cached: string | undefined

/** The probe script text (src/remote/scripts/probe.sh; copied to dist/ by scripts/copy-assets.mjs). */
export function probeScript(): string {
  cached ??= readFileSync(codeFile('remote/scripts/probe.sh'), 'utf8')
  return cached
}


/** The full command for AWS-RunShellScript: exported inputs, then the probe run by bash. */
export function buildProbeCommand(inputs: ProbeInputs): string {
  const env: Record<string, string> = {
    EFSD_FS_DNS_NAMES: (inputs.fsDnsNames ?? []).join(' '),
    EFSD_MT_IPS: (inputs.mountTargetIps ?? []).join(' '),
    EFSD_EXPECTED_PATHS: (inputs.expectedPaths ?? []).join(' '),
    EFSD_ROOT_DIRS: (inputs.rootDirectories ?? []).join(' '),
    EFSD_TCP_TIMEOUT: String(inputs.tcpTimeoutSeconds ?? 3),
  }
  const header = Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}`).join('\n')
  // NOTE: passed with `bash -c` rather than a heredoc on stdin, so commands in the probe cannot eat the script.
  return `${header}\nexec bash -c ${shellQuote(probeScript())} efsdoctor-probe\n`
}
