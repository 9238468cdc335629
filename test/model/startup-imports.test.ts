/**
 * What a command loads before it runs: the packages reachable through static imports (not `import type`, not
 * `import()` or require on first use). --version, --help and oclif's path run the oclif hooks; bin/run.js's direct path runs src/cli/run.ts; `check` is loaded
 * for every check run. Heavy packages stay behind a dynamic import until a run needs them (bench/cli.ts measures it).
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {dirname, relative, resolve} from 'node:path'

const SRC = resolve('src')
const STATIC = /^\s*(?:import|export)\s+(?!type\b)(?:[^;'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm

/** Every package reachable from `entry` through static imports, with the first path that reaches it. */
function staticPackages(entry: string): Map<string, string> {
  const found = new Map<string, string>()
  const seen = new Set<string>()
  const walk = (file: string, path: string) => {
    if (seen.has(file)) return
    seen.add(file)
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(STATIC)) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'))
        if (existsSync(target)) walk(target, `${path} → ${relative(SRC, target)}`)
      } else if (spec.startsWith('node:')) {
        if (!found.has(spec)) found.set(spec, `${path} → ${spec}`)
      } else {
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]
        if (!found.has(pkg)) found.set(pkg, `${path} → ${spec}`)
      }
    }
  }
  walk(resolve(entry), relative(resolve('.'), resolve(entry)))
  return found
}

const HEAVY = ['@aws-sdk/', 'web-tree-sitter', 'tree-sitter-bash', 'ajv', 'yaml', 'xmlbuilder2', 'cli-table3', 'elkjs', 'listr2', 'string-width', 'wrap-ansi']
const heavy = (pkgs: Map<string, string>, allowed: string[] = []) =>
  [...pkgs].filter(([p]) => HEAVY.some(h => p.startsWith(h)) && !allowed.includes(p)).map(([, via]) => via)
/** Node's own modules that load many more of Node's (node:crypto ~20, ~6 ms; node:perf_hooks ~10, ~1.3 ms). */
const HEAVY_BUILTINS = ['node:crypto', 'node:perf_hooks', 'node:readline', 'node:http', 'node:https', 'node:stream']

describe('start-up imports', () => {
  it('the scanner finds static imports and skips type-only ones', () => {
    const pkgs = staticPackages('src/commands/check.ts')
    expect(pkgs.has('ipaddr.js')).toBe(true)
    expect([...pkgs.keys()].some(p => p.startsWith('@aws-sdk/'))).toBe(false)
    expect(staticPackages('src/inventory/collectors/context.ts').size).toBe(0)
  })

  it.each(readdirSync('src/commands').map(f => `src/commands/${f}`))('%s does not load @oclif/core (only help, completion and unknown commands go through oclif)', entry => {
    expect(staticPackages(entry).get('@oclif/core')).toBeUndefined()
  })

  it.each(['bin/run.js', 'src/cli/run.ts', 'src/hooks/init.ts', 'src/hooks/command-not-found.ts'])('%s (run before every command) loads nothing heavy', entry => {
    expect(heavy(staticPackages(entry))).toEqual([])
  })

  it('check loads no AWS SDK, renderer library, yaml or ajv before it runs (only the shell grammar, loaded when there is UserData)', () => {
    expect(heavy(staticPackages('src/commands/check.ts'), ['web-tree-sitter'])).toEqual([])
  })

  it.each(['src/cli/run.ts', 'src/commands/check.ts', 'src/commands/lint.ts'])('%s loads none of Node\'s heavy modules before it runs (crypto on the first fingerprint)', entry => {
    const pkgs = staticPackages(entry)
    expect(pkgs.has('node:fs')).toBe(true)
    expect([...pkgs].filter(([p]) => HEAVY_BUILTINS.includes(p)).map(([, via]) => via)).toEqual([])
  })
})
