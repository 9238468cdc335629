// Runs jest (ESM mode) and ends with the plain summary line CI reads: "N passed, N failed".
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const tmp = mkdtempSync(join(tmpdir(), 'efsdoctor-jest-'))

// The package as it ships (dist/ bundled by esbuild, oclif.manifest.json), built by ci/install.sh, which builds only
// when it is missing or older than src/ (a few seconds). Built here, once, before any test runs: test/ci runs that
// install path and test/support/bundle.ts runs the bundled CLI, and two jest workers must never build into the same
// dist/ at once. A stale oclif.manifest.json would also make ./bin/dev.js list stale flags in help.
let failed = 0
const install = spawnSync('bash', ['ci/install.sh', join(tmp, 'bin')], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
if (install.status !== 0) {
  console.log(`test: ci/install.sh could not build dist/ (${install.status ?? install.signal}):\n${install.stdout}${install.stderr}`)
  failed = 1
} else {
  process.env.EFSD_TEST_PACKAGE = process.cwd()
}

const out = join(tmp, 'results.json')
const args = ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', 'node_modules/jest/bin/jest.js',
  '--json', `--outputFile=${out}`, ...process.argv.slice(2)]
const run = spawnSync(process.execPath, args, {stdio: 'inherit'})
let passed = 0
try {
  const r = JSON.parse(readFileSync(out, 'utf8'))
  passed = r.numPassedTests
  failed += r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0)
} catch {
  failed = Math.max(failed, 1)
}
rmSync(join(tmp, 'bin'), {recursive: true, force: true})
console.log(`${passed} passed, ${failed} failed`)
process.exit(run.status === 0 && failed === 0 ? 0 : 1)
