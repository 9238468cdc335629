// Writes the V8 code caches a replay (check --from / --example) loads its code with, made under a replay's V8 settings
// (V8 takes a cache only under the settings it was made with), after running the code on the shipped examples so the
// functions a replay runs are compiled into them:
// - dist/validators/snapshot.cache, of the snapshot validator dist/validators/snapshot.js (src/core/cached-script.ts);
// - dist/replay/check.cache, of the replay bundle dist/replay/check.js (src/cli/replay.ts), after replaying every
//   shipped example and the benchmark's schemaVersion-1 snapshot, in table and JSON;
// - dist/replay/check.json: those V8 settings, which bin/run.js sets before it compiles the bundle, and the bash
//   grammar's WebAssembly files, whose compile it starts first.
// Run by scripts/bundle.mjs in a process of its own (the settings must be exactly a replay's).
// Usage: node scripts/code-caches.mjs [outdir]
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'
import {setFlagsFromString} from 'node:v8'
import {Script} from 'node:vm'
import {gunzipSync} from 'node:zlib'

const outdir = resolve(process.argv[2] ?? 'dist')
const {v8Settings, GRAMMAR_WASM, SHELL_GRAMMAR_V8_FLAGS} = await import(pathToFileURL(join(outdir, 'cli/run.js')).href)
const v8Flags = [...v8Settings('check', ['--from', 'snapshot.json']), ...SHELL_GRAMMAR_V8_FLAGS.split(' ')]
setFlagsFromString(v8Flags.join(' '))

{
  const file = join(outdir, 'validators/snapshot.js')
  const script = new Script(readFileSync(file, 'utf8'), {filename: file})
  const validator = {exports: {}}
  script.runInThisContext()(validator, validator.exports)
  for (const name of readdirSync('examples/snapshots').filter(f => f.endsWith('.json'))) {
    validator.exports.validate(JSON.parse(readFileSync(join('examples/snapshots', name), 'utf8')))
  }
  writeFileSync(join(outdir, 'validators/snapshot.cache'), script.createCachedData())
}

const file = join(outdir, 'replay/check.js')
const script = new Script(readFileSync(file, 'utf8'), {filename: file})
const bundle = {exports: {}}
script.runInThisContext()(bundle, bundle.exports, createRequire(file), file, pathToFileURL(file).href,
  spec => (spec.startsWith('replay-unreachable:') ? Promise.reject(new Error(spec)) : import(spec.startsWith('.') ? new URL(spec, pathToFileURL(file)).href : spec)))
const {runDirect, check} = bundle.exports

const scratch = mkdtempSync(join(tmpdir(), 'efsdoctor-replay-cache-'))
const snapshots = readdirSync('examples/snapshots').filter(f => f.endsWith('.json')).map(f => join('examples/snapshots', f))
const big = 'bench/fixtures/cluster-1000.v1.json.gz'
if (existsSync(big)) {
  writeFileSync(join(scratch, 'big.json'), gunzipSync(readFileSync(big)))
  snapshots.push(join(scratch, 'big.json'))
}
// NOTE: the reports go nowhere; only the compiled code is wanted.
const write = process.stdout.write
process.stdout.write = () => true
try {
  for (const from of snapshots) {
    for (const output of ['table', 'json']) await runDirect(check, ['--from', from, '--output', output])
  }
} finally {
  process.stdout.write = write
  rmSync(scratch, {recursive: true, force: true})
}
process.exitCode = 0
writeFileSync(join(outdir, 'replay/check.cache'), script.createCachedData())
writeFileSync(join(outdir, 'replay/check.json'), `${JSON.stringify({v8Flags, grammarWasm: GRAMMAR_WASM}, null, 2)}\n`)
