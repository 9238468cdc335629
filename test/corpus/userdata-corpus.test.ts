import {existsSync} from 'node:fs'
import {CORPUS_CHECKS, CORPUS_DIR, classify, loadCorpus, mismatchLines, renderTerraform, scoreCorpus, summaryLine, VERDICTS} from '../support/userdata-corpus.js'

// The corpus, the scorer's mechanics, and the gate: every reviewed verdict of every real-world document is right.
describe('userdata corpus (test/fixtures/userdata-corpus)', () => {
  const cases = loadCorpus()

  it('gives every (document, check) pair its reviewed verdict', () => {
    const s = scoreCorpus(cases)
    // The score line, for CI logs and closing notes.
    process.stdout.write(`${summaryLine(s)}\n`)
    expect(mismatchLines(s)).toEqual([])
    expect(s.correctCases).toBe(s.cases)
  })

  it('has at least 40 cases with unique ids, each file present and its source cited', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40)
    expect(new Set(cases.map(c => c.id)).size).toBe(cases.length)
    for (const c of cases) {
      expect(existsSync(`${CORPUS_DIR}${c.file}`)).toBe(true)
      const cited = c.source.issue !== undefined || (Boolean(c.source.repo) && Boolean(c.source.path) && /^[0-9a-f]{40}$/.test(c.source.commit ?? ''))
      expect({id: c.id, cited}).toEqual({id: c.id, cited: true})
    }
  })

  it('gives every case a reviewed verdict with a reason for each userdata check, in the catalogue\'s vocabulary', () => {
    for (const c of cases) {
      for (const check of CORPUS_CHECKS.filter(k => k.startsWith('userdata/'))) expect(Object.keys(c.expected)).toContain(check)
      for (const [check, e] of Object.entries(c.expected)) {
        expect(CORPUS_CHECKS).toContain(check)
        expect(VERDICTS).toContain(e!.verdict)
        expect(e!.why.length).toBeGreaterThan(10)
      }
      if (c.kind === 'script') expect(c.scope?.fileSystemId).toMatch(/^fs-[0-9a-f]+$/)
      if (c.taskVolumes) expect(Object.keys(c.expected)).toContain('ecs/volume-source-on-efs')
    }
  })

  it('runs every case through the real checks and accounts for every (case, check) pair', () => {
    const s = scoreCorpus(cases)
    expect(s.results.filter(r => r.error)).toEqual([])
    expect(s.pairs).toBe(cases.reduce((n, c) => n + Object.keys(c.expected).length, 0))
    expect(s.correctPairs + s.falseFail + s.missed + s.unknown).toBe(s.pairs)
    expect(summaryLine(s)).toBe(`userdata corpus: ${s.cases} cases, ${s.correctCases} correct, ${s.falseFail} false-fail, ${s.missed} missed, ${s.unknown} unknown`)
  })
})

describe('corpus scoring', () => {
  it.each([
    ['pass', 'pass', 'correct'],
    ['pass', 'fail:error', 'false-fail'],
    ['fail:warning', 'fail:error', 'false-fail'],
    ['unknown', 'fail:warning', 'false-fail'],
    ['fail:error', 'fail:warning', 'missed'],
    ['fail:error', 'pass', 'missed'],
    ['unknown', 'pass', 'missed'],
    ['fail:warning', 'skipped', 'missed'],
    ['pass', 'unknown', 'unknown'],
    ['pass', 'skipped', 'unknown'],
  ] as const)('expected %s, got %s → %s', (expected, actual, outcome) => {
    expect(classify(expected, actual)).toBe(outcome)
  })

  it('renders Terraform templatefile variables and escapes, leaving unknown references as written', () => {
    expect(renderTerraform('a ${efs_id} $${HOME} %%{x} ${local.path} ${aws_efs.x.id} ${other}', {efs_id: 'fs-1', 'local.path': '/mnt/efs'}))
      .toBe('a fs-1 ${HOME} %{x} /mnt/efs ${aws_efs.x.id} ${other}')
  })
})
