/**
 * What bash makes of a printed command, without running it: the test helper for "a hint works when pasted".
 */
import {execFileSync} from 'node:child_process'

/** The programs replaced by a function that prints its arguments instead of running. */
const STUBBED = ['aws', 'efsdoctor', 'echo', 'sudo', 'tee', 'mount', 'umount', 'docker']

/**
 * The calls bash makes when it runs `command`, each as its words (program name first), with every program in STUBBED
 * replaced by a function that prints its arguments: what pasting the command would run, without running anything.
 * Words are NUL-separated and calls end with \u0001, so neither may occur in a word.
 */
export function wordsBashSees(command: string): string[][] {
  const script = `for f in ${STUBBED.join(' ')}; do eval "$f() { printf '%s\\\\0' \\"$f\\" \\"\\$@\\"; printf '\\\\1'; }"; done\n${command}\n`
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script], {encoding: 'utf8', timeout: 5000})
  return out.split('\u0001').filter(Boolean).map(call => call.split('\0').slice(0, -1))
}
