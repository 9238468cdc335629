/**
 * Items 11, 12, 14 and 16: output that could turn against the reader. Terminal escapes and bidi overrides from a
 * snapshot never reach the table, markdown, JUnit or stderr; markdown escapes its own syntax; JUnit stays valid
 * XML; --output-file is written atomically; '' and newlines in flag values are handled as usage errors on one line.
 */
import {XMLValidator} from 'fast-xml-parser'
import {execFileSync} from 'node:child_process'
import {chmodSync, copyFileSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync, existsSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import Check from '../../src/commands/check.js'
import Lint from '../../src/commands/lint.js'
import {withFault, IDS} from '../support/snapshot-builder.js'
import {expectOneLineExit2, runCommand} from '../support/run-command.js'
import {bounded} from './bounded.js'
import {sanitizeShown} from '../../src/report-flags.js'
import {sanitizeText} from '../../src/core/sanitize.js'
import type {Finding, Report} from '../../src/core/types.js'

const dir = mkdtempSync(join(tmpdir(), 'efsd-abuse-out-'))
const ESC = '\u001b'
const TRAPS = `${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\ ${ESC}[2J\r\u0007\u009b31m\u202Egnp.exe`

/** A snapshot whose untrusted strings carry terminal escapes, a bidi override and markdown syntax. */
function hostile(): string {
  const s = withFault(x => {
    x.scope.cluster = `prod${TRAPS} ![img](https://evil.example/x.png) [link](https://evil.example)`
    x.collectedAt = `2026-01-01T00:00:00Z\u0001\u0008`
    x.containerInstances![0].agentConnected = false
    x.containerInstances![0].arn = `${x.containerInstances![0].arn}${TRAPS} ![img](https://evil.example/x.png) [link](https://evil.example)`
    x.fileSystems![0].name = `![img](https://evil.example/t.png)${TRAPS}`
  })
  const file = join(dir, `hostile-${Math.random()}.json`)
  writeFileSync(file, JSON.stringify(s))
  return file
}

beforeAll(async () => {
  await runCommand(Check, ['--from', 'examples/snapshots/healthy.json', '--output', 'table'])
})

const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/

describe('terminal escapes and bidi overrides from a snapshot', () => {
  it.each(['table', 'markdown', 'junit', 'sarif'])('%s output carries none of them', async format => {
    const file = hostile()
    const r = await bounded(() => runCommand(Check, ['--from', file, '--output', format]))
    expect(r.code).toBe(1)
    expect(r.stdout).not.toMatch(CONTROL)
    expect(r.stdout).toContain('prod')
  })

  it('markdown escapes its own syntax: no image, no link from untrusted text', async () => {
    const r = await bounded(() => runCommand(Check, ['--from', hostile(), '--output', 'markdown']))
    // NOTE: the Mermaid drawing sits in a code fence, which markdown never renders; its labels are quoted strings that
    // Mermaid shows as text (entity-encoded: test/report/topology tests). Everything outside the fence is judged.
    const outside = r.stdout.replace(/```mermaid\n[\s\S]*?\n```/g, '')
    expect(outside.length).toBeLessThan(r.stdout.length)
    expect(outside).not.toMatch(/(?<!\\)!\[img\]\(https:\/\/evil/)
    expect(outside).not.toMatch(/(?<!\\)\[link\]\(https:\/\/evil/)
    expect(r.stdout).toContain('!\\[img\\](https://evil.example/x.png)')
  })

  it('JUnit is valid XML even with a control character in collectedAt', async () => {
    const r = await bounded(() => runCommand(Check, ['--from', hostile(), '--output', 'junit']))
    expect(XMLValidator.validate(r.stdout)).toBe(true)
    expect(r.stdout).toMatch(/timestamp="2026-01-01T00:00:00Z"/)
  })

  it('JSON keeps the data but shows C1 controls and bidi overrides escaped', async () => {
    const r = await bounded(() => runCommand(Check, ['--from', hostile(), '--output', 'json']))
    expect(r.stdout).not.toMatch(CONTROL)
    const report = JSON.parse(r.stdout)
    expect(report.scope.cluster).toMatch(new RegExp(`^prod${ESC}`))
  })

  it('a JSON parse error quoting the file reaches stderr as one safe line', async () => {
    const file = join(dir, 'bad.json')
    writeFileSync(file, `{"cluster": "x${ESC}[2J${ESC}]0;pwned\u0007\n\u202E", nope}`)
    const r = await bounded(() => runCommand(Check, ['--from', file]))
    expectOneLineExit2(r, /not valid JSON/)
    expect(r.stderr.trimEnd()).not.toMatch(CONTROL)
  })
})

describe("the table's sanitized copy (sanitizeShown)", () => {
  const finding = (over: Partial<Finding>): Finding => ({checkId: 'host/efs-mounted', status: 'unknown', severity: 'error', title: 't',
    resource: {type: 'ec2-instance', id: 'i-1'}, message: 'plain', evidence: {seen: `x${TRAPS}`}, ...over} as Finding)
  const report = (findings: Finding[]): Report => ({findings, summary: {pass: 0, fail: 0, unknown: findings.length, skipped: 0},
    scope: {source: 'snapshot', cluster: `prod${TRAPS}`, fileSystems: []}, tool: {name: 'efsdoctor', version: '0'}} as unknown as Report)

  it('strips every shown string of a fail or unknown, and leaves its evidence out of the copy', () => {
    const dirty = finding({message: `m${TRAPS}`, resource: {type: 'ec2-instance', id: `i-1${TRAPS}`}, fix: {summary: `s${TRAPS}`, command: `c${TRAPS}`}})
    const [out] = sanitizeShown(report([dirty])).findings
    expect(JSON.stringify(out)).not.toMatch(CONTROL)
    expect(out.evidence).toBeUndefined()
    expect(out.message).toBe(sanitizeText(`m${TRAPS}`))
    expect(out.message.startsWith('m]8;;https://evil.example')).toBe(true)
  })

  it('hands back a finding whose shown strings are clean as it is, its evidence unread (the table never prints evidence)', () => {
    const clean = finding({})
    const shown = sanitizeShown(report([clean]))
    expect(shown.findings[0]).toBe(clean)
    expect(shown.scope.cluster).not.toMatch(CONTROL)
  })
})

describe('files and flags', () => {
  it("--output-file '' is a usage error, not stdout", async () => {
    expectOneLineExit2(await bounded(() => runCommand(Check, ['--from', 'examples/snapshots/healthy.json', '--output-file', ''])),
      /--output-file needs a file name/)
  })

  it('a newline in a flag value does not split the error line', async () => {
    const r = await bounded(() => runCommand(Check, ['--cluster', 'prod', '--file-system', 'fs-1\nefsdoctor: all good']))
    expectOneLineExit2(r, /"fs-1\\nefsdoctor: all good" is not an EFS file system id/)
  })

  it('--output-file is atomic: a failed write leaves the good report in place and no temporary file', async () => {
    const sub = mkdtempSync(join(dir, 'atomic-'))
    const out = join(sub, 'report.json')
    expect((await runCommand(Check, ['--from', 'examples/snapshots/healthy.json', '--json', '--output-file', out])).code).toBe(0)
    const good = readFileSync(out, 'utf8')
    // NOTE: a read-only folder stands in for a full disk: the temporary file cannot be created.
    chmodSync(sub, 0o555)
    try {
      const r = await bounded(() => runCommand(Check, ['--from', 'examples/snapshots/healthy.json', '--output', 'markdown', '--output-file', out]))
      if (process.getuid?.() === 0) {
        // root ignores the folder's mode: the write succeeds, through a temporary file renamed into place.
        expect(r.code).toBe(0)
        expect(readFileSync(out, 'utf8')).toMatch(/^## efsdoctor/)
      } else {
        expectOneLineExit2(r, /cannot write/)
        expect(readFileSync(out, 'utf8')).toBe(good)
      }
      expect(readdirSync(sub)).toEqual(['report.json'])
    } finally {
      chmodSync(sub, 0o755)
    }
    expect(existsSync(out)).toBe(true)
    expect(IDS.fs).toBeTruthy()
  })

  it('--output-file writes through a link (the link stays), a dangling link, and a FIFO (never replaced by a file)', async () => {
    const sub = mkdtempSync(join(dir, 'special-'))
    writeFileSync(join(sub, 'target.json'), 'old')
    symlinkSync('target.json', join(sub, 'link.json'))
    symlinkSync('later.json', join(sub, 'dangling.json'))
    for (const name of ['link.json', 'dangling.json']) {
      expect((await runCommand(Check, ['--from', 'examples/snapshots/healthy.json', '--json', '--output-file', join(sub, name)])).code).toBe(0)
      expect(lstatSync(join(sub, name)).isSymbolicLink()).toBe(true)
    }
    expect(readlinkSync(join(sub, 'dangling.json'))).toBe('later.json')
    expect(JSON.parse(readFileSync(join(sub, 'target.json'), 'utf8')).schemaVersion).toBe(1)
    expect(JSON.parse(readFileSync(join(sub, 'later.json'), 'utf8')).schemaVersion).toBe(1)
    // A FIFO with a reader (a real one: cat in another process) gets the report; the FIFO is still a FIFO.
    const fifo = join(sub, 'pipe')
    execFileSync('mkfifo', [fifo])
    const reader = import('node:child_process').then(({spawn}) => new Promise<string>(resolve => {
      const cat = spawn('cat', [fifo])
      let text = ''
      cat.stdout.on('data', d => { text += d })
      cat.on('close', () => resolve(text))
    }))
    expect((await bounded(() => runCommand(Check, ['--from', 'examples/snapshots/healthy.json', '--json', '--output-file', fifo]))).code).toBe(0)
    expect(JSON.parse(await reader).schemaVersion).toBe(1)
    expect(lstatSync(fifo).isFIFO()).toBe(true)
    expect(readdirSync(sub).sort()).toEqual(['dangling.json', 'later.json', 'link.json', 'pipe', 'target.json'])
  })

  it('a report never replaces the snapshot or template the run reads, and two outputs never share a file (exit 2, nothing written)', async () => {
    const sub = mkdtempSync(join(dir, 'collide-'))
    const snap = join(sub, 'snap.json')
    const template = join(sub, 'stack.yaml')
    copyFileSync('examples/snapshots/healthy.json', snap)
    copyFileSync('test/fixtures/templates/guide-2017.yaml', template)
    symlinkSync('snap.json', join(sub, 'alias.json'))
    const snapText = readFileSync(snap, 'utf8')
    const templateText = readFileSync(template, 'utf8')
    expectOneLineExit2(await runCommand(Check, ['--from', snap, '--json', '--output-file', snap]), /--output-file .*snap\.json is the snapshot this run reads/)
    expectOneLineExit2(await runCommand(Check, ['--from', join(sub, 'alias.json'), '--write', `sarif=${join(sub, '.', 'snap.json')}`]), /--write sarif .* is the snapshot this run reads/)
    expectOneLineExit2(await runCommand(Lint, [template, '--output', 'sarif', '--output-file', template]), /is the template this run reads/)
    expectOneLineExit2(await runCommand(Check, ['--from', snap, '--json', '--output-file', join(sub, 'r.json'), '--write', `json=${join(sub, 'x', '..', 'r.json')}`]),
      /--output-file and --write json both name/)
    expect(readFileSync(snap, 'utf8')).toBe(snapText)
    expect(readFileSync(template, 'utf8')).toBe(templateText)
    expect(readdirSync(sub).sort()).toEqual(['alias.json', 'snap.json', 'stack.yaml'])
    // The same device for two outputs is fine (nothing is replaced).
    expect((await runCommand(Check, ['--from', snap, '--output-file', '/dev/null', '--write', 'sarif=/dev/null'])).code).toBe(0)
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true)
  })

  it('--output-file - is stdout (no file named -)', async () => {
    const sub = mkdtempSync(join(dir, 'dash-'))
    const r = await runCommand(Check, ['--from', 'examples/snapshots/healthy.json', '--json', '--output-file', '-'], sub)
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).schemaVersion).toBe(1)
    expect(existsSync(join(sub, '-'))).toBe(false)
    expect(existsSync('-')).toBe(false)
  })
})
