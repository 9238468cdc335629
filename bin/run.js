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
 * V8 settings for a short run. Neither is set for lint: parsing a 2 MB template makes much short-lived garbage and
 * runs hot parser loops (it took 10% longer with the first, 43% longer with the second). Both are read when V8 next
 * decides, so they can be set now (heap sizes cannot: the heap is configured before any of our code runs). Measured
 * interleaved on the 2-core bench VM:
 * - Keep the young generation at its first size. V8 doubles it (up to 16 MB semi-spaces) while a run keeps what it
 *   allocates, and touching those fresh pages cost more than the scavenges it saves: `check --from` a 1,000-instance
 *   snapshot 547 -> 474 ms (--output json 666 -> 538 ms) and 106 -> 89 MB peak RSS, healthy.json unchanged.
 * - No optimising compiler (TurboFan): its background compiles compete with the run for the second core, for code that
 *   runs a few thousand times. 1,000 instances 489 -> 463..472 ms over three runs of 15-21, 5,000 1350 -> 1315 ms,
 *   healthy.json 243 -> 237 ms; 10,000 instances was 5% slower, so a long run turns it back on (src/cli/run.ts
 *   optimiseLongRun).
 */
async function shortRunSettings(id) {
  if (id === 'lint') return
  const {setFlagsFromString} = await import('node:v8')
  setFlagsFromString('--semi-space-growth-factor=1')
  setFlagsFromString('--no-opt')
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
  const {directCommand, runDirect, warmUp} = await import('../dist/cli/run.js')
  const id = directCommand(argv, id => existsSync(commandFile(id)))
  if (id === undefined) return false
  await shortRunSettings(id)
  warmUp(id, argv.slice(1))
  await runDirect(await import(commandFile(id).href), argv.slice(1))
  return true
}

if (!await version() && !await direct()) {
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
