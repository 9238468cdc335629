/** Every shipped script must be ShellCheck-clean (skipped with a note when shellcheck is not installed). */
import {spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'

const DIR = new URL('../../../src/remote/scripts/', import.meta.url).pathname
const scripts = readdirSync(DIR).filter(f => f.endsWith('.sh'))
// NOTE: in CI (.ci/run installs it) a missing shellcheck fails the test instead of skipping it.
const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0 || process.env.CI === 'true'

describe('shellcheck', () => {
  test('there are scripts to check', () => {
    expect(scripts).toContain('mount-efs.sh')
  })

  const maybe = hasShellcheck ? test.each(scripts) : test.skip.each(scripts)
  maybe('%s is ShellCheck-clean', name => {
    const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', `${DIR}${name}`], {encoding: 'utf8'})
    expect(r.stdout + r.stderr).toBe('')
    expect(r.status).toBe(0)
  })
})
