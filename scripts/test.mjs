// Runs jest (ESM mode) and ends with the plain summary line CI reads: "N passed, N failed".
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

// NOTE: `npm run build` writes oclif.manifest.json; one older than the sources would make oclif list stale flags.
const newest = dir => Math.max(0, ...readdirSync(dir, {withFileTypes: true})
  .map(e => e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs))
if (existsSync('oclif.manifest.json') && statSync('oclif.manifest.json').mtimeMs < newest('src')) {
  rmSync('oclif.manifest.json')
  console.log('test: removed oclif.manifest.json (older than src/; npm run build writes it again)')
}

const out = join(mkdtempSync(join(tmpdir(), 'efsdoctor-jest-')), 'results.json')
const args = ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', 'node_modules/jest/bin/jest.js',
  '--json', `--outputFile=${out}`, ...process.argv.slice(2)]
const run = spawnSync(process.execPath, args, {stdio: 'inherit'})
let passed = 0, failed = 0
try {
  const r = JSON.parse(readFileSync(out, 'utf8'))
  passed = r.numPassedTests
  failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0)
} catch {
  failed = Math.max(failed, 1)
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(run.status === 0 && failed === 0 ? 0 : 1)
