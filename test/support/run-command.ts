/**
 * Runs an oclif command in-process the way the CLI would, capturing its output and exit code: the code oclif
 * exited with (usage errors: 2), else process.exitCode (which the command sets for failing findings), else 0.
 * process.exitCode is cleared before and after so one run cannot leak into the next (or into jest's own exit).
 */
import type {Errors} from '@oclif/core'
import {captureOutput} from '@oclif/test'

export interface CommandRun {
  stdout: string
  stderr: string
  code: number
  error?: Error & Partial<Errors.CLIError>
}

/** Anything with oclif's static `Command.run(argv, opts)` (the default export of a src/commands file). */
export interface RunnableCommand {
  run(argv?: string[], opts?: {root: string}): Promise<unknown>
}

export async function runCommand(cmd: RunnableCommand, argv: string[], root: string = process.cwd()): Promise<CommandRun> {
  process.exitCode = undefined
  const out = await captureOutput(() => cmd.run(argv, {root}))
  const code = out.error?.oclif?.exit ?? (process.exitCode as number | undefined) ?? 0
  process.exitCode = undefined
  return {...out, code}
}

/** A usage error: exit 2, nothing on stdout, exactly one stderr line (`efsdoctor: …`) matching `pattern`, and no stack trace. */
export function expectOneLineExit2(r: CommandRun, pattern: RegExp): void {
  expect(r.code).toBe(2)
  expect(r.stdout).toBe('')
  const lines = r.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^efsdoctor: /)
  expect(lines[0]).toMatch(pattern)
  expect(r.stderr).not.toMatch(/\n\s+at /)
}
