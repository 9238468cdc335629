/**
 * Item 4: a scan of src/ for the regex shapes that backtrack without bound on hostile text, so a new one is caught
 * when it is written, not when a 100 KB input hangs a run. It reads regex literals (not `new RegExp(…)`) and flags:
 * - a run anchored at the end but not at the start (`/\/+$/`, `/:.*$/`): V8 retries the run from each of its
 *   characters when something other than the end follows it — quadratic;
 * - an unbounded group holding an unbounded quantifier (`(a+)+`, `(?:-x+)*`): exponential when the group's
 *   iterations can split the same text in more than one way.
 * Nested quantifiers whose iterations start with a separator the inner run cannot match cannot split text two ways;
 * they are listed below, each with that separator.
 */
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'

/** file → pattern → why it is linear. */
const REVIEWED: Record<string, Record<string, string>> = {
  'src/core/host-path.ts': {'^(\\/[A-Za-z0-9._-]+)+$': 'each part starts with "/", which the part\'s class excludes'},
  'src/model/ids.ts': {'^[a-z]{2}(-[a-z]+)+-\\d$': 'each part starts with "-", which [a-z] excludes'},
  'src/remote/mount-plan.ts': {'^[a-z]{2}(-[a-z]+)+-\\d[a-z]$': 'each part starts with "-", which [a-z] excludes'},
  'src/checks/_lib/user-data-shell.ts': {'\\$\\{([A-Za-z_][\\w-]*(?:(?:\\.|::)[\\w\\[\\]"*-]+)+)\\}': 'each part starts with "." or "::", which the part\'s class excludes'},
}

const files = (d: string): string[] =>
  readdirSync(d).flatMap(n => { const p = join(d, n); return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [] })

/** Regex literal bodies in code, comments left out (they quote the old patterns). */
function literals(text: string): string[] {
  const code = text.split('\n').filter(l => !/^\s*(?:\*|\/\*|\/\/)/.test(l)).map(l => l.replace(/\s\/\/\s.*$/, '')).join('\n')
  const LITERAL = /(?:^|[(,=:[!&|?{};>]|\breturn)\s*\/((?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\\n[*])(?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\\n[])*)\/[dgimsuyv]*/g
  return [...code.matchAll(LITERAL)].map(m => m[1])
}

type Token = {atom: string; quantifier: string}
function tokens(body: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < body.length) {
    let atom: string
    if (body[i] === '\\') {
      atom = body.slice(i, i + 2)
      i += 2
    } else if (body[i] === '[') {
      let j = i + 1
      if (body[j] === '^') j++
      if (body[j] === ']') j++
      while (j < body.length && body[j] !== ']') j += body[j] === '\\' ? 2 : 1
      atom = body.slice(i, j + 1)
      i = j + 1
    } else {
      atom = body[i++]
    }
    const quantifier = /^(?:[*+?]|\{\d*,?\d*\})\??/.exec(body.slice(i))?.[0] ?? ''
    i += quantifier.length
    out.push({atom, quantifier})
  }
  return out
}

const unbounded = (q: string): boolean => /^(?:[*+]|\{\d+,\})/.test(q)

function problems(body: string): string[] {
  const t = tokens(body)
  const out: string[] = []
  const [before, last] = [t.at(-2), t.at(-1)]
  if (!body.startsWith('^') && last?.atom === '$' && before && unbounded(before.quantifier)) out.push('run anchored at the end only')
  const open: boolean[] = [] // per open group: does it hold an unbounded quantifier?
  for (const k of t) {
    if (k.atom === '(') {
      open.push(false)
    } else if (k.atom === ')') {
      const inner = open.pop() ?? false
      if (inner && unbounded(k.quantifier)) out.push('nested unbounded quantifiers')
      if (open.length > 0 && (inner || unbounded(k.quantifier))) open[open.length - 1] = true
    } else if (open.length > 0 && unbounded(k.quantifier)) {
      open[open.length - 1] = true
    }
  }
  return out
}

describe('item 4: no regex in src/ has a shape that backtracks without bound', () => {
  it('the scan flags the known shapes and passes their linear forms', () => {
    const flagged = (src: string) => literals(src).flatMap(problems)
    expect(flagged("const a = p.replace(/\\/+$/, '')")).toEqual(['run anchored at the end only'])
    expect(flagged("const a = s.replace(/:.*$/, '')")).toEqual(['run anchored at the end only'])
    expect(flagged('const a = /\\baws\\s+(?:--?[\\w-]+(?:[ =]\\S+)?\\s+)*(x)/.exec(s)')).toEqual(['nested unbounded quantifiers'])
    expect(flagged('if (/(a+)+b/.test(s)) x()')).toEqual(['nested unbounded quantifiers'])
    expect(flagged("const a = /^-+$/.test(s) && s.replace(/\\*$/, '') && /(\\d{1,9})\\.(\\d{1,9})/.exec(s)")).toEqual([])
    expect(flagged(' * the old `s.replace(/\\/+$/, \'\')` in a comment')).toEqual([])
  })

  it('src/ holds none, apart from the reviewed ones', () => {
    const start = process.cpuUsage()
    const found: string[] = []
    const reviewedSeen = new Set<string>()
    for (const file of files('src')) {
      const name = relative('.', file).split('\\').join('/')
      for (const body of literals(readFileSync(file, 'utf8'))) {
        if (REVIEWED[name]?.[body]) {
          reviewedSeen.add(`${name} ${body}`)
          continue
        }
        for (const p of problems(body)) found.push(`${name}: /${body}/ (${p})`)
      }
    }
    expect(found).toEqual([])
    // The reviewed list names patterns that exist: one removed or changed must leave the list too.
    expect([...reviewedSeen].sort()).toEqual(Object.entries(REVIEWED).flatMap(([f, ps]) => Object.keys(ps).map(p => `${f} ${p}`)).sort())
    const d = process.cpuUsage(start)
    expect((d.user + d.system) / 1000).toBeLessThan(5000)
  })
})
