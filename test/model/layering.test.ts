/** The ground-floor rule: model/, core/ and checks/ never import from inventory/, remote/, lint/, report/ or commands/. */
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'

const SRC = resolve('src')
const LOWER = ['model', 'core', 'checks']
const UPPER = ['inventory', 'remote', 'lint', 'report', 'commands']

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []
  })
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const specs = [...text.matchAll(/(?:from\s+|import\(\s*)['"](\.[^'"]+)['"]/g)].map((m) => m[1])
  return specs.map((s) => relative(SRC, resolve(dirname(file), s)))
}

describe('layering', () => {
  it('finds imports to judge (the scanner works)', () => {
    expect(importsOf(join(SRC, 'checks', 'index.ts')).length).toBeGreaterThan(5)
  })

  it.each(LOWER)('%s/ imports nothing from the floors above', (floor) => {
    const bad: string[] = []
    for (const f of files(join(SRC, floor))) {
      for (const target of importsOf(f)) {
        if (UPPER.includes(target.split('/')[0])) bad.push(`${relative(SRC, f)} -> ${target}`)
      }
    }
    expect(bad).toEqual([])
  })

  it('model/ imports only model/', () => {
    const bad = files(join(SRC, 'model')).flatMap((f) => importsOf(f).filter((t) => !t.startsWith('model/')).map((t) => `${relative(SRC, f)} -> ${t}`))
    expect(bad).toEqual([])
  })
})
