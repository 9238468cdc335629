/**
 * Every `efsdoctor …` fix hint printed for the shipped examples works when pasted: bash reads it into words, the
 * command runs in-process, and it either succeeds or (mount/probe, which need AWS) gets past every argument check and
 * stops only at the unreachable endpoint.
 */
import {execFileSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import Check from '../../src/commands/check.js'
import Lint from '../../src/commands/lint.js'
import Mount from '../../src/commands/mount.js'
import Probe from '../../src/commands/probe.js'
import Userdata from '../../src/commands/userdata.js'
import type {Report} from '../../src/core/types.js'
import {runCommand, type RunnableCommand} from '../support/run-command.js'

const COMMANDS: Record<string, RunnableCommand> = {userdata: Userdata, mount: Mount, probe: Probe}
const NEEDS_AWS = new Set(['mount', 'probe'])

/** The words bash makes of a pasted line (nothing is run: the words are printed, NUL-separated). */
function wordsOf(line: string): string[] {
  return execFileSync('bash', ['--norc', '--noprofile', '-c', `printf '%s\\0' ${line}`], {encoding: 'utf8'}).split('\0').slice(0, -1)
}

async function hints(): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = []
  const runs: Array<[string, RunnableCommand, string[]]> = [
    ...readdirSync('examples/snapshots').filter(f => f.endsWith('.json')).map(f => [f, Check, ['--from', `examples/snapshots/${f}`]] as [string, RunnableCommand, string[]]),
    ...readdirSync('examples/templates').map(f => [f, Lint, [`examples/templates/${f}`]] as [string, RunnableCommand, string[]]),
  ]
  for (const [name, cmd, argv] of runs) {
    const r = await runCommand(cmd, [...argv, '--output', 'json', '--fail-on', 'none'])
    for (const f of (JSON.parse(r.stdout) as Report).findings) {
      for (const line of (f.fix?.command ?? '').split('\n')) if (line.startsWith('efsdoctor ')) out.push([name, line])
    }
  }
  return [...new Map(out.map(h => [h[1], h])).values()]
}

describe('fix hints work when pasted', () => {
  it('every efsdoctor hint of every shipped example runs (or stops only at AWS)', async () => {
    const all = await hints()
    // The broken examples do print such hints, for templates (the cfn-yaml form) and for clusters: not vacuous.
    expect(all.some(([, l]) => l.startsWith('efsdoctor userdata --format cfn-yaml'))).toBe(true)
    expect(all.some(([, l]) => /^efsdoctor userdata --file-system fs-/.test(l))).toBe(true)
    for (const [example, line] of all) {
      const [, sub, ...args] = wordsOf(line)
      const cmd = COMMANDS[sub]
      expect([example, sub, cmd !== undefined]).toEqual([example, sub, true])
      const extra = NEEDS_AWS.has(sub) ? ['--endpoint-url', 'http://127.0.0.1:1', '--region', 'eu-west-1', ...(sub === 'mount' ? ['--dry-run'] : [])] : []
      const r = await runCommand(cmd, [...args, ...extra])
      if (NEEDS_AWS.has(sub)) {
        expect([example, line, r.stderr.trim()]).toEqual([example, line, expect.stringMatching(/^efsdoctor: cannot reach http:\/\/127\.0\.0\.1:1 /)])
      } else {
        expect([example, line, r.code, r.stderr]).toEqual([example, line, 0, ''])
        expect(r.stdout).toMatch(/mount|Fn::Base64/)
      }
    }
  }, 120_000)
})
