/**
 * The bash grammar (web-tree-sitter + tree-sitter-bash, WebAssembly) loads only when there is UserData to read: not
 * for --version, --help, or lint of a template without UserData (issue 9). Each command runs as a real process with
 * a resolve hook that records every module it loads (test/support/trace-imports.mjs).
 */
import {jest} from '@jest/globals'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

jest.setTimeout(180_000)
const dir = mkdtempSync(join(tmpdir(), 'efsd-lazy-'))
const ENV = {...process.env, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_EC2_METADATA_DISABLED: 'true', CI: 'true'}

/** The modules `efsdoctor …argv` loaded, and its exit status. */
function loads(...argv: string[]): {status: number | null; modules: string[]} {
  const file = join(dir, `trace-${Math.random().toString(16).slice(2)}.txt`)
  writeFileSync(file, '')
  const r = spawnSync(process.execPath, ['--import', './test/support/trace-imports.mjs', '--import', 'tsx', 'bin/dev.js', ...argv],
    {encoding: 'utf8', env: {...ENV, EFSD_TRACE_IMPORTS: file}, timeout: 150_000})
  return {status: r.status, modules: readFileSync(file, 'utf8').split('\n').filter(Boolean)}
}
const grammar = (modules: string[]) => modules.filter(m => /tree-sitter/.test(m))

describe('the shell grammar loads only when there is UserData', () => {
  it('is not loaded by --version, --help, or lint of a template without UserData', () => {
    const noUserData = join(dir, 'no-userdata.yaml')
    writeFileSync(noUserData, 'Resources:\n  FileSystem:\n    Type: AWS::EFS::FileSystem\n')
    for (const argv of [['--version'], ['lint', '--help'], ['lint', noUserData]]) {
      const r = loads(...argv)
      expect({argv, status: r.status}).toEqual({argv, status: 0})
      expect(r.modules.length).toBeGreaterThan(3)
      expect({argv, grammar: grammar(r.modules)}).toEqual({argv, grammar: []})
    }
  })

  it('is loaded by lint of a template with UserData (the trace sees it)', () => {
    const r = loads('lint', 'test/fixtures/templates/guide-2017.yaml')
    expect(grammar(r.modules).some(m => m.includes('web-tree-sitter'))).toBe(true)
  })
})

describe('check --from starts the grammar while it validates the file, only when the file has UserData', () => {
  it('loads it for healthy.json and not for the same snapshot without UserData', () => {
    const healthy = JSON.parse(readFileSync('examples/snapshots/healthy.json', 'utf8')) as {userData?: unknown}
    expect(Array.isArray(healthy.userData)).toBe(true)
    delete healthy.userData
    const without = join(dir, 'no-userdata.json')
    writeFileSync(without, JSON.stringify(healthy))
    const withIt = loads('check', '--from', 'examples/snapshots/healthy.json', '--output', 'json')
    expect(grammar(withIt.modules).some(m => m.includes('web-tree-sitter'))).toBe(true)
    const r = loads('check', '--from', without, '--output', 'json')
    expect([0, 1]).toContain(r.status)
    expect(r.modules.length).toBeGreaterThan(3)
    expect(grammar(r.modules)).toEqual([])
  })
})
