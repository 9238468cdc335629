/**
 * The explain corpus (test/fixtures/explain-corpus/): real error messages, verbatim, each with its source and the
 * root cause established in its thread. Every one must route to the expected signature first.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {explain, SIGNATURES} from '../../src/remote/explain.js'

interface Case {
  id: string
  area: string
  source: {repository: string; issue?: number; pull?: number; url: string}
  message: string
  rootCause: string
  expect: string
}

const dir = new URL('../fixtures/explain-corpus/', import.meta.url)
const cases: Case[] = readdirSync(dir).filter(f => f.endsWith('.json'))
  .flatMap(f => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Case[])

describe('explain corpus', () => {
  test('has at least 30 sourced cases with established causes, covering every area', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30)
    expect(new Set(cases.map(c => c.id)).size).toBe(cases.length)
    const known = new Set(SIGNATURES.map(s => s.id))
    for (const c of cases) {
      expect(c.source.url).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/(?:issues|pull)\/\d+$/)
      expect(c.source.url).toContain(c.source.repository)
      expect(c.rootCause.length).toBeGreaterThan(30)
      expect(c.message.trim().length).toBeGreaterThan(10)
      expect(known.has(c.expect)).toBe(true)
    }
    expect(new Set(cases.map(c => c.area))).toEqual(new Set(['efs-utils', 'mount.nfs4', 'ecs-agent', 'ecs-api', 'cloudformation']))
  })

  test('routes every case to its established cause first', () => {
    const wrong: string[] = []
    const unmatched: string[] = []
    for (const c of cases) {
      const first = explain(c.message).matches[0]?.id
      if (first === undefined) unmatched.push(c.id)
      else if (first !== c.expect) wrong.push(`${c.id}: got ${first}, expected ${c.expect}`)
    }
    const right = cases.length - wrong.length - unmatched.length
    process.stdout.write(`explain corpus: ${cases.length} cases, ${right} right, ${wrong.length} wrong, ${unmatched.length} unmatched\n`)
    expect({wrong, unmatched}).toEqual({wrong: [], unmatched: []})
  })

  test('a server\'s "No such file or directory" for a missing root directory leads to the check that looks for it', () => {
    const rootDir = cases.filter(c => c.expect === 'root-dir-missing')
    expect(rootDir.length).toBeGreaterThan(0)
    for (const c of rootDir) expect(explain(c.message).matches[0].checks[0]).toBe('host/root-directory-exists')
  })
})
