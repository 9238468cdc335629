/**
 * Runs a shell script on EC2 instances through SSM Run Command (AWS-RunShellScript).
 * This interface is what probe and mount use; the real implementation lives beside it.
 */

export type InvocationStatus =
  | 'Success' | 'Failed' | 'TimedOut' | 'Cancelled' | 'Undeliverable' | 'Terminated' | 'InvalidPlatform'
  | 'AccessDenied' | 'DeliveryTimedOut' | 'ExecutionTimedOut' | 'NotManaged' | 'Error'

export interface InvocationResult {
  instanceId: string
  status: InvocationStatus
  /** Script exit code, when it ran. */
  exitCode?: number
  stdout: string
  stderr: string
  /** Human-readable reason when status is not Success. */
  reason?: string
}

export interface RunOptions {
  /** Seconds the script may run on the host (SSM executionTimeout). */
  timeoutSeconds: number
  /** Seconds to wait overall for all results before giving up (per-instance results become TimedOut). */
  waitSeconds?: number
  maxConcurrency?: string
  maxErrors?: string
  comment?: string
}

export interface SsmRunner {
  /** Runs `script` on every instance; never throws for a per-instance failure (that is data). */
  run(instanceIds: string[], script: string, opts: RunOptions): Promise<InvocationResult[]>
}
