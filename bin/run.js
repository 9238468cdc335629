#!/usr/bin/env node
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

/**
 * `efsdoctor --version` (oclif answers --version whenever it comes first) with oclif's own line, name/version
 * platform-arch node-version, without loading oclif, which is most of the start-up. On WSL, where oclif says "wsl",
 * oclif answers.
 */
async function version() {
  if (process.argv[2] !== '--version') return false
  const [{readFileSync, existsSync}, os] = await Promise.all([import('node:fs'), import('node:os')])
  const procVersion = () => { try { return readFileSync('/proc/version', 'utf8') } catch { return '' } }
  if (process.platform === 'linux' && (os.release().toLowerCase().includes('microsoft') || existsSync('/proc/sys/fs/binfmt_misc/WSLInterop') ||
    existsSync('/run/WSL') || procVersion().toLowerCase().includes('microsoft'))) return false
  const {name, version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`${name}/${version} ${process.platform}-${os.arch() === 'ia32' ? 'x86' : os.arch()} node-${process.version}\n`)
  return true
}

/**
 * `efsdoctor check --from FILE` / `--example NAME` (no help flag before `--`): the replay bundle, dist/replay/check.js,
 * compiled with its V8 code cache (src/cli/replay.ts says why) under the V8 settings the cache was made with
 * (check.json). The same test as cli/run.ts directCommand and replaysSnapshot, which cannot be imported before the
 * bundle without compiling their modules. False when the bundle is missing (then the ES modules run).
 */
async function replay() {
  const argv = process.argv.slice(2)
  const end = argv.indexOf('--')
  const flags = end < 0 ? argv.slice(1) : argv.slice(1, end)
  if (argv[0] !== 'check' || flags.some(w => w === '--help' || w === '-h') || !argv.some(a => /^--(from|example)(=|$)/.test(a))) return false
  const [{readFileSync}, {createRequire}, {fileURLToPath}, {setFlagsFromString}, {Script}] =
    await Promise.all([import('node:fs'), import('node:module'), import('node:url'), import('node:v8'), import('node:vm')])
  const url = new URL('../dist/replay/check.js', import.meta.url)
  const file = fileURLToPath(url)
  let source, settings, cachedData, grammar
  try {
    source = readFileSync(url, 'utf8')
    settings = JSON.parse(readFileSync(new URL('check.json', url), 'utf8'))
    setFlagsFromString(settings.v8Flags.join(' '))
  } catch {
    return false
  }
  try { cachedData = readFileSync(new URL('check.cache', url)) } catch { cachedData = undefined }
  // NOTE: the bash grammar's WebAssembly starts compiling before the bundle is compiled and run (~20 ms sooner than
  // the bundle's warmUp could: what a small snapshot waits for). Any failure is left to the bundle's own compile.
  try {
    const resolve = createRequire(url).resolve
    const compile = id => WebAssembly.compile(readFileSync(resolve(id)))
    grammar = {runtime: compile(settings.grammarWasm.runtime), grammar: compile(settings.grammarWasm.grammar)}
  } catch {
    grammar = undefined
  }
  // NOTE: import() cannot run inside a vm.Script (without an experimental flag): the bundle's dynamic imports come here.
  const dynamicImport = spec => spec.startsWith('replay-unreachable:')
    ? Promise.reject(new Error(`efsdoctor: ${spec.slice('replay-unreachable:'.length)} is not in the replay bundle`))
    : import(spec.startsWith('.') ? new URL(spec, url).href : spec)
  let script
  const bundle = {exports: {}}
  try {
    script = new Script(source, {filename: file, cachedData})
    script.runInThisContext()(bundle, bundle.exports, createRequire(url), file, url.href, dynamicImport)
  } catch {
    // A damaged bundle (a cut or emptied file): the ES modules answer instead.
    for (const p of Object.values(grammar ?? {})) p.catch(() => {})
    return false
  }
  const {check, noteCodeLoad, runDirect, warmUp} = bundle.exports
  noteCodeLoad(cachedData && !script.cachedDataRejected ? 'code cache' : 'compiled')
  warmUp('check', argv.slice(1), grammar)
  await runDirect(check, argv.slice(1))
  return true
}

/**
 * `efsdoctor <command> …` without a help flag runs the command's module directly (dist/cli/run.js), without oclif's
 * start-up; help, completion, unknown commands and everything else go through oclif.
 */
async function direct() {
  const argv = process.argv.slice(2)
  const {existsSync} = await import('node:fs')
  const commandFile = id => new URL(`../dist/commands/${id}.js`, import.meta.url)
  if (!existsSync(new URL('../dist/cli/run.js', import.meta.url))) return false
  const {directCommand, runDirect, v8Settings, warmUp} = await import('../dist/cli/run.js')
  const id = directCommand(argv, id => existsSync(commandFile(id)))
  if (id === undefined) return false
  const settings = v8Settings(id, argv.slice(1))
  if (settings.length > 0) (await import('node:v8')).setFlagsFromString(settings.join(' '))
  warmUp(id, argv.slice(1))
  await runDirect(await import(commandFile(id).href), argv.slice(1))
  return true
}

if (!await version() && !await replay() && !await direct()) {
  // NOTE: oclif's execute from the bundle (dist/main.js), the copy of @oclif/core the commands share.
  const main = new URL('../dist/main.js', import.meta.url)
  const {execute} = await import(main.href).catch(async err => {
    const {existsSync} = await import('node:fs')
    if (existsSync(main)) throw err
    // A checkout that was never built: say so in one line instead of oclif's module-not-found.
    process.stderr.write('efsdoctor: not built (no dist/main.js): run `npm run build` first, or ./bin/dev.js to run the sources\n')
    process.exit(2)
  })
  await execute({dir: import.meta.url})
}
