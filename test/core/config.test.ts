import {mkdtempSync, mkdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {allChecks} from '../../src/checks/index.js'
import {loadConfig, parseConfig} from '../../src/core/config.js'
import {UsageError} from '../../src/core/errors.js'
import {exitCodeFor} from '../../src/core/exit-code.js'
import {runChecks} from '../../src/core/run-checks.js'
import {IDS, withFault} from '../support/snapshot-builder.js'

const KNOWN = ['efs/mount-target-available', 'efs/file-system-writable', 'network/mount-target-sg-allows-nfs']
const parseText = (text: string) => parseConfig(text, '.efsdoctor.yml', KNOWN)
const usage = (text: string) => {
  try {
    parseText(text)
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).not.toContain('\n')
    return (error as Error).message
  }
  throw new Error('expected a UsageError')
}

describe('.efsdoctor.yml', () => {
  it('reads ignore rules; resource defaults to every resource', () => {
    expect(parseText(`
ignore:
  - check: efs/file-system-writable
    resource: fs-0a1b2c3d4e5f60718
    reason: DR replica, read-only on purpose
  - check: network/
    reason: network team owns this
`)).toEqual([
      {checkId: 'efs/file-system-writable', resource: 'fs-0a1b2c3d4e5f60718', reason: 'DR replica, read-only on purpose'},
      {checkId: 'network/', resource: '*', reason: 'network team owns this'},
    ])
  })

  it('accepts an empty file and an empty list', () => {
    expect(parseText('')).toEqual([])
    expect(parseText('ignore: []')).toEqual([])
  })

  it('requires a reason', () => {
    expect(usage('ignore:\n  - check: efs/file-system-writable\n    resource: fs-1\n')).toBe('.efsdoctor.yml: ignore[0]: "reason" is required (say why this finding is accepted)')
    expect(usage('ignore:\n  - check: efs/file-system-writable\n    reason: "  "\n')).toContain('"reason" is required')
  })

  it('rejects unknown check ids and unknown areas', () => {
    expect(usage('ignore:\n  - check: efs/no-such-check\n    reason: x\n')).toContain('unknown check id "efs/no-such-check"')
    expect(usage('ignore:\n  - check: nope/\n    reason: x\n')).toContain('unknown check id "nope/"')
  })

  it('rejects bad YAML in one line', () => {
    expect(usage('ignore:\n  - check: [unclosed\n')).toMatch(/^\.efsdoctor\.yml: invalid YAML: /)
  })

  it('says what is wrong with a file full of unknown tags without a Node warning per tag (a template given as --config)', async () => {
    const warnings: unknown[] = []
    const listener = (w: unknown) => warnings.push(w)
    process.on('warning', listener)
    try {
      expect(usage('Resources:\n  A: {Type: X, Properties: {B: !Ref C, D: !GetAtt E.F, G: !foo h}}\n')).toContain('unknown key "Resources"')
      // NOTE: Node emits warnings on a later tick.
      await new Promise(resolve => setImmediate(resolve))
    } finally {
      process.off('warning', listener)
    }
    expect(warnings).toEqual([])
  })

  it('rejects typos in keys and wrong shapes', () => {
    expect(usage('ignores: []')).toContain('unknown key "ignores"')
    expect(usage('ignore:\n  - check: efs/file-system-writable\n    reson: x\n')).toContain('unknown key "reson"')
    expect(usage('ignore: efs/file-system-writable')).toContain('"ignore" must be a list')
    expect(usage('- a\n- b')).toContain('expected a mapping')
    expect(usage('ignore:\n  - check: efs/file-system-writable\n    resource: 5\n    reason: x\n')).toContain('"resource" must be')
  })

  describe('loadConfig', () => {
    const dir = mkdtempSync(join(tmpdir(), 'efsdoctor-config-'))

    it('finds .efsdoctor.yml in the working directory, and nothing when there is none', () => {
      const empty = join(dir, 'empty')
      mkdirSync(empty)
      expect(loadConfig({cwd: empty, knownIds: KNOWN})).toEqual({ignores: []})
      const withFile = join(dir, 'with')
      mkdirSync(withFile)
      writeFileSync(join(withFile, '.efsdoctor.yml'), 'ignore:\n  - check: efs/\n    reason: accepted\n')
      expect(loadConfig({cwd: withFile, knownIds: KNOWN})).toEqual({file: '.efsdoctor.yml', ignores: [{checkId: 'efs/', resource: '*', reason: 'accepted'}]})
    })

    it('reads an explicit --config file and fails with exit 2 when it is missing', () => {
      const file = join(dir, 'ci.yml')
      writeFileSync(file, 'ignore:\n  - check: efs/mount-target-available\n    resource: fsmt-1\n    reason: being replaced\n')
      expect(loadConfig({explicit: file, knownIds: KNOWN}).ignores).toHaveLength(1)
      expect(() => loadConfig({explicit: join(dir, 'missing.yml'), knownIds: KNOWN})).toThrow(/does not exist/)
      try {
        loadConfig({explicit: join(dir, 'missing.yml'), knownIds: KNOWN})
      } catch (error) {
        expect((error as UsageError).exitCode).toBe(2)
      }
    })
  })

  it('end to end: an ignored fail stays in the report, marked, and no longer fails the run', () => {
    const s = withFault(x => { x.mountTargets!.find(m => m.id === IDS.mountTargets.b)!.lifeCycleState = 'deleting' })
    const before = runChecks(allChecks, s)
    const failing = before.findings.filter(f => f.status === 'fail')
    expect(failing.length).toBeGreaterThan(0)
    expect(exitCodeFor(before, 'error')).toBe(1)
    const yml = failing.map(f => `  - check: ${f.checkId}\n    resource: ${f.resource.id}\n    reason: mount target being replaced`).join('\n')
    const ignores = parseConfig(`ignore:\n${yml}\n`, '.efsdoctor.yml', allChecks.map(c => c.id))
    const after = runChecks(allChecks, s, {ignores})
    const marked = after.findings.filter(f => f.status === 'fail')
    expect(marked).toHaveLength(failing.length)
    for (const f of marked) expect(f.ignored).toEqual({reason: 'mount target being replaced'})
    expect(after.summary.ignored).toBe(failing.length)
    expect(exitCodeFor(after, 'error')).toBe(0)
  })
})
