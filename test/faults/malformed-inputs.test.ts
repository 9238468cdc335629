/**
 * Malformed inputs, fuzzed with fast-check: snapshot files (`check --from`), CloudFormation templates (`lint`) and
 * pasted UserData (the shared parser and the checks that read it). Each gives a report or one clear line with
 * exit 2 — never an uncaught error, a stack trace, or a check that crashed.
 */
import fc from 'fast-check'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {allChecks} from '../../src/checks/index.js'
import {parseUserData} from '../../src/checks/_lib/user-data.js'
import Check from '../../src/commands/check.js'
import Lint from '../../src/commands/lint.js'
import {runChecks} from '../../src/core/run-checks.js'
import {readSchema, validatorFor} from '../support/ajv.js'
import {healthy} from '../support/snapshot-builder.js'
import {type RunnableCommand, runCommand} from '../support/run-command.js'

const root = process.cwd()
const dir = mkdtempSync(join(tmpdir(), 'efsd-fuzz-'))
let seq = 0

const run = (cmd: RunnableCommand, argv: string[]) => runCommand(cmd, argv)

/** A report (exit 0/1, JSON on stdout, no crashed check) or exit 2 with one `efsdoctor:` line. */
function expectReportOrOneLine(r: {stdout: string; stderr: string; code: number}): void {
  expect(r.stderr).not.toMatch(/\n\s+at /)
  if (r.code === 2) {
    expect(r.stdout).toBe('')
    const lines = r.stderr.trim().split('\n').filter(l => !/ERR_VM_MODULE_LINK_FAILURE|^(module|task|plugin|root|code|message):|See more details/.test(l))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^efsdoctor: \S/)
    return
  }
  expect([0, 1]).toContain(r.code)
  const report = JSON.parse(r.stdout) as {findings: {message: string; status: string}[]}
  expect(report.findings.filter(f => f.message.startsWith('Check crashed'))).toEqual([])
}

const file = (text: string, ext: string) => {
  const p = join(dir, `f${++seq}.${ext}`)
  writeFileSync(p, text)
  return p
}

const healthyText = readFileSync('examples/snapshots/healthy.json', 'utf8')
const probedText = readFileSync('examples/snapshots/healthy-probed.json', 'utf8')

/** A healthy snapshot (with or without host facts) with one value somewhere replaced by arbitrary JSON. */
const mutatedSnapshot = fc.tuple(fc.constantFrom(healthyText, probedText), fc.nat(), fc.jsonValue({maxDepth: 2})).map(([text, pick, value]) => {
  const s = JSON.parse(text)
  const paths: (string | number)[][] = []
  const walk = (v: unknown, path: (string | number)[]) => {
    paths.push(path)
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, Array.isArray(v) ? Number(k) : k])
  }
  walk(s, [])
  const path = paths[1 + (pick % (paths.length - 1))]
  let node = s
  for (const k of path.slice(0, -1)) node = node[k]
  node[path.at(-1)!] = value
  return JSON.stringify(s)
})

describe('check --from with malformed snapshot files', () => {
  const schemaErrors = validatorFor(readSchema('schemas/snapshot.schema.json'))
  beforeAll(async () => { await run(Check, ['--from', 'examples/snapshots/healthy.json']) })

  it('truncated snapshot files', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({min: 0, max: healthyText.length - 1}), async cut => {
      expectReportOrOneLine(await run(Check, ['--from', file(healthyText.slice(0, cut), 'json'), '--output', 'json']))
    }), {numRuns: 25})
  })

  it('random JSON and random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.jsonValue().map(v => JSON.stringify(v)), fc.string(), fc.uint8Array({maxLength: 200}).map(b => Buffer.from(b).toString('latin1'))), async text => {
      expectReportOrOneLine(await run(Check, ['--from', file(text, 'json'), '--output', 'json']))
    }), {numRuns: 25})
  })

  // NOTE: load-snapshot validates against schemas/snapshot.schema.json, so a wrongly typed field anywhere (e.g. a
  // security group's egress set to a number) is exit 2 naming the path; what the schema accepts must not crash a check.
  it('a healthy snapshot with one value replaced by arbitrary JSON', async () => {
    await fc.assert(fc.asyncProperty(mutatedSnapshot, async text => {
      const r = await run(Check, ['--from', file(text, 'json'), '--output', 'json'])
      expectReportOrOneLine(r)
      // Off-schema → exit 2 naming a path; on-schema → a report.
      if (schemaErrors(JSON.parse(text)).length > 0) expect(r.stderr).toMatch(/is not an efsdoctor snapshot: (\/\S* must |schemaVersion is |"[^"]+" (is|should) |missing "scope")/)
      else expect(r.code).not.toBe(2)
    }), {numRuns: 400})
  })
})

describe('lint with malformed templates', () => {
  const templates = ['examples/templates/ecs-efs-stack.yaml', 'examples/templates/ecs-efs-stack.json'].map(p => readFileSync(p, 'utf8'))

  it('truncated templates', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...templates.keys()), fc.double({min: 0, max: 1, noNaN: true}), async (t, frac) => {
      const text = templates[t].slice(0, Math.floor(templates[t].length * frac))
      expectReportOrOneLine(await run(Lint, [file(text, t === 0 ? 'yaml' : 'json'), '--output', 'json']))
    }), {numRuns: 30})
  })

  it('random text and YAML-ish noise', async () => {
    const yamlish = fc.array(fc.tuple(fc.nat({max: 6}), fc.constantFrom('Resources:', 'Type: AWS::EC2::LaunchTemplate', '!Sub |', '!Ref X', '- !GetAtt A.B', 'UserData:', 'Fn::Base64: x', '"{', '&a', '*a', '? x'))
      .map(([indent, s]) => `${' '.repeat(indent * 2)}${s}`), {maxLength: 20}).map(lines => lines.join('\n'))
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string(), yamlish), async text => {
      expectReportOrOneLine(await run(Lint, [file(text, 'yaml'), '--output', 'json']))
    }), {numRuns: 40})
  })
})

describe('pasted UserData', () => {
  const fixtures = ['al2-ecs-efs-utils.sh', 'cloud-config-mounts.yaml', 'mime-boothook.txt', 'seed-fnsub.sh']
    .map(f => readFileSync(join('test/fixtures/userdata', f), 'utf8'))
  const userData = fc.oneof(
    fc.string({maxLength: 400}),
    fc.tuple(fc.constantFrom(...fixtures), fc.double({min: 0, max: 1, noNaN: true})).map(([t, f]) => t.slice(0, Math.floor(t.length * f))),
    fc.tuple(fc.constantFrom(...fixtures), fc.double({min: 0, max: 1, noNaN: true})).map(([t, f]) => Buffer.from(t).toString('base64').slice(0, Math.floor(t.length * f))),
    fc.uint8Array({maxLength: 300}).map(b => Buffer.from(b).toString('latin1')),
    fc.array(fc.constantFrom('#!/bin/bash', '#cloud-config', 'mounts:', '- [fs-1:/, /mnt]', 'mount -t efs fs-0a1b2c3d:/ /mnt/efs', 'echo "x" >> /etc/fstab',
      'Content-Type: multipart/mixed; boundary="=="', '--==', '${!VAR}', 'runcmd:', '  - mount -a', 'fs-0a1b2c3d:/ /mnt/efs efs _netdev 0 0', '\'', '"', '\\'), {maxLength: 25}).map(l => l.join('\n')),
  )

  it('the parser never throws', () => {
    fc.assert(fc.property(userData, text => {
      const parsed = parseUserData(text)
      expect(typeof parsed.format).toBe('string')
    }), {numRuns: 300})
  })

  it('the checks that read UserData give findings, never a crash', () => {
    fc.assert(fc.property(userData, text => {
      const s = healthy()
      for (const ud of s.userData ?? []) ud.text = text
      const report = runChecks(allChecks, s)
      expect(report.findings.filter(f => f.message.startsWith('Check crashed'))).toEqual([])
    }), {numRuns: 150})
  })
})
