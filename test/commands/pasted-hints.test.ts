/**
 * Every `efsdoctor …` fix hint printed for the shipped examples works when pasted: bash reads it into words, the
 * command runs in-process, and it either succeeds or (mount/probe, which need AWS) gets past every argument check and
 * stops only at the unreachable endpoint.
 */
import {readdirSync} from 'node:fs'
import Check from '../../src/commands/check.js'
import Lint from '../../src/commands/lint.js'
import Mount from '../../src/commands/mount.js'
import Probe from '../../src/commands/probe.js'
import Userdata from '../../src/commands/userdata.js'
import type {Report} from '../../src/core/types.js'
import {runCommand, type RunnableCommand} from '../support/run-command.js'
import {wordsBashSees} from '../support/bash-words.js'

const COMMANDS: Record<string, RunnableCommand> = {userdata: Userdata, mount: Mount, probe: Probe}
const NEEDS_AWS = new Set(['mount', 'probe'])
const CORPUS = 'test/fixtures/userdata-corpus'

async function hints(): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = []
  const runs: Array<[string, RunnableCommand, string[]]> = [
    ...readdirSync('examples/snapshots').filter(f => f.endsWith('.json')).map(f => [f, Check, ['--from', `examples/snapshots/${f}`]] as [string, RunnableCommand, string[]]),
    ...readdirSync('examples/templates').map(f => [f, Lint, [`examples/templates/${f}`]] as [string, RunnableCommand, string[]]),
    // Real-world templates (the UserData corpus, cited in its README): hints we did not shape our examples for.
    ...readdirSync(CORPUS).filter(f => /\.(ya?ml|json)$/.test(f) && f !== 'expected.json')
      // NOTE: d2si's template has a duplicate key; read it as CloudFormation does (test/abuse/templates: refused by default).
      .map(f => [f, Lint, [`${CORPUS}/${f}`, '--allow-duplicate-keys']] as [string, RunnableCommand, string[]]),
  ]
  for (const [name, cmd, argv] of runs) {
    const r = await runCommand(cmd, [...argv, '--output', 'json', '--fail-on', 'none'])
    if (r.code === 2 && argv[0].startsWith(CORPUS)) continue // a cloud-config document, not a template
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
    // A real-world template with no file system in scope gets the cfn-yaml form with the parameter its mount names
    // before .efs. ($az.${EFSFileSystem}.efs.eu-west-1…; never a made-up ${FileSystemId}), and keeps its NFS client.
    // (hynespm's jenkins template gets the same hint: the list keeps one file per hint.)
    expect(all.map(([, hint]) => hint)).toContain("efsdoctor userdata --format cfn-yaml --file-system '${EFSFileSystem}' --path /mnt/efs --method nfs")
    expect(all.some(([, hint]) => hint.includes('${FileSystemId}'))).toBe(false)
    // A line that mounts with efs and tls keeps TLS (widdix jenkins: efs tls,_netdev).
    expect(all).toContainEqual(['widdix-jenkins2-ha-agents-master-only-efs.yaml', "efsdoctor userdata --format cfn-yaml --file-system '${MasterStorage}' --path /var/lib/jenkins --tls"])
    // AWS in Action mounts EFS at /home (shared home directories): a snippet for a fresh instance may do that too.
    const home = all.filter(([, l]) => /--path \/home( |$)/.test(l))
    expect(home.length).toBeGreaterThan(0)
    for (const [example, line] of all) {
      // A pasted hint is exactly one efsdoctor call (nothing else runs); bash's words are its arguments.
      const calls = wordsBashSees(line)
      expect([example, line, calls.length, calls[0]?.[0]]).toEqual([example, line, 1, 'efsdoctor'])
      const [, sub, ...args] = calls[0]
      const cmd = COMMANDS[sub]
      expect([example, sub, cmd !== undefined]).toEqual([example, sub, true])
      const extra = NEEDS_AWS.has(sub) ? ['--endpoint-url', 'http://127.0.0.1:1', '--region', 'eu-west-1', ...(sub === 'mount' ? ['--dry-run'] : [])] : []
      const r = await runCommand(cmd, [...args, ...extra])
      if (NEEDS_AWS.has(sub)) {
        expect([example, line, r.stderr.trim()]).toEqual([example, line, expect.stringMatching(/^efsdoctor: cannot reach http:\/\/127\.0\.0\.1:1 /)])
      } else {
        expect([example, line, r.code, r.stderr]).toEqual([example, line, 0, ''])
        expect(r.stdout).toMatch(/mount|Fn::Base64/)
        if (/--path \/home( |$)/.test(line)) expect(r.stdout).toContain('/home on EFS: the local home directories')
      }
    }
  }, 120_000)
})
