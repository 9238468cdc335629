/**
 * The CLI as the package ships it: src/ bundled by scripts/bundle.mjs (esbuild: tree-shaken AWS SDK, one copy of
 * @oclif/core) into a temporary package, run with its bin/run.js. Built once per test file, in about 5 s; the
 * repository's own dist/ is never used, so a stale build cannot pass for a fresh one. Under `npm test`
 * (scripts/test.mjs) the package is the repository itself: the runner has just built its dist/ (ci/install.sh, which
 * rebuilds whatever is older than src/) and says so in EFSD_TEST_PACKAGE.
 */
import {spawnSync} from 'node:child_process'
import {copyFileSync, mkdirSync, mkdtempSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

const ROOT = resolve('.')
let built: string | undefined

/** The folder of the temporary package (package.json, bin/run.js, dist/, examples/ and node_modules linked). */
export function bundledPackage(): string {
  if (built) return built
  if (process.env.EFSD_TEST_PACKAGE) return (built = process.env.EFSD_TEST_PACKAGE)
  const dir = mkdtempSync(join(tmpdir(), 'efsdoctor-bundle-'))
  mkdirSync(join(dir, 'bin'))
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'))
  copyFileSync(join(ROOT, 'bin/run.js'), join(dir, 'bin/run.js'))
  for (const linked of ['node_modules', 'examples']) symlinkSync(join(ROOT, linked), join(dir, linked))
  for (const script of ['scripts/bundle.mjs', 'scripts/copy-assets.mjs']) {
    const r = spawnSync(process.execPath, [join(ROOT, script), join(dir, 'dist')], {cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000})
    if (r.status !== 0) throw new Error(`${script} failed (${r.status ?? r.signal}): ${r.stderr}`)
  }
  return (built = dir)
}

/** Runs the bundled CLI as a process: `node <package>/bin/run.js …args`. */
export function runBundled(args: string[], env: NodeJS.ProcessEnv = {}): {status: number | null; stdout: string; stderr: string} {
  const r = spawnSync(process.execPath, [join(bundledPackage(), 'bin/run.js'), ...args], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000, maxBuffer: 64 * 2 ** 20,
    env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', AWS_EC2_METADATA_DISABLED: 'true', NODE_ENV: 'production', ...env},
  })
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}
