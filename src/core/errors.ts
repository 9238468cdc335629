/**
 * Errors that mean "could not run": commands print one line (no stack unless --debug) and exit 2.
 */
export class UsageError extends Error {
  readonly exitCode = 2
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/**
 * The run cannot work for a reason outside the command line: the endpoint cannot be reached, the credentials are
 * not usable, no region is configured. Same exit (2, one line); its own name so --debug shows what kind it is.
 */
export class CouldNotRunError extends UsageError {
  constructor(readonly kind: 'NetworkError' | 'CredentialsError' | 'ConfigurationError', message: string) {
    super(message)
    this.name = kind
  }
}

/** Names a failing AWS call in one line: "ec2:DescribeInstances failed: AccessDenied — …". */
export function awsErrorCode(error: unknown): string {
  const e = error as {name?: string; Code?: string; code?: string; $metadata?: {httpStatusCode?: number}}
  return e?.name ?? e?.Code ?? e?.code ?? 'Error'
}
