// oclif's Command.catch() sets process.exitCode; do not let it leak into jest's own exit status.
afterEach(() => { process.exitCode = undefined })
