// oclif's Command.catch() sets process.exitCode; do not let it leak into jest's own exit status.
afterEach(() => { process.exitCode = undefined })
// The bash grammar (WebAssembly) loads asynchronously; the commands load it before checks run, tests load it here.
beforeAll(async () => { await (await import('../src/core/shell-parser.ts')).loadShellParser() })
