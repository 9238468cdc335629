/**
 * The command-line reader every command uses (src/cli/parse.ts) and the direct path's choice (src/cli/run.ts).
 * oclif's help and manifest read the same definitions, so the help tests cover the other side.
 */
import {Args, Flags} from '../../src/cli/flags.js'
import {ArgvError, parseArgv} from '../../src/cli/parse.js'
import {directCommand, readsUserDataFile, v8Settings} from '../../src/cli/run.js'
import {UsageError} from '../../src/core/errors.js'

const flags = {
  cluster: Flags.string({char: 'c', description: 'cluster'}),
  from: Flags.string({description: 'from', exclusive: ['cluster']}),
  only: Flags.string({description: 'only', multiple: true}),
  output: Flags.string({char: 'o', description: 'output', options: ['table', 'json'], default: 'table'}),
  probe: Flags.boolean({description: 'probe', default: true, allowNo: true}),
  verbose: Flags.boolean({char: 'v', description: 'verbose', default: false}),
  yes: Flags.boolean({char: 'y', description: 'yes', default: false}),
  'probe-timeout': Flags.integer({description: 'seconds', default: 60, min: 5, max: 3600}),
  timeout: Flags.integer({description: 'seconds', env: 'EFSD_TEST_TIMEOUT'}),
  endpoint: Flags.string({description: 'url', parse: async v => {
    if (!v.startsWith('http')) throw new UsageError(`--endpoint "${v}" is not a URL`)
    return v.toUpperCase()
  }}),
  'output-file': Flags.string({charAliases: ['f'], deprecateAliases: true, description: 'file'}),
}
const args = {template: Args.string({description: 'template', required: true})}

const parse = (argv: string[], withArgs = false) => parseArgv(argv, {flags, args: withArgs ? args : {}})
const fails = async (argv: string[], message: string | RegExp, withArgs = false) => {
  const error = await parse(argv, withArgs).then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(ArgvError)
  expect((error as Error).message).toMatch(message)
}

describe('parseArgv', () => {
  it('fills defaults and leaves unset flags without one undefined', async () => {
    const {flags: f} = await parse([])
    expect(f).toEqual({output: 'table', probe: true, verbose: false, yes: false, 'probe-timeout': 60})
  })

  it('reads --flag value, --flag=value, -c value, -cvalue and -c=value alike', async () => {
    for (const argv of [['--cluster', 'prod'], ['--cluster=prod'], ['-c', 'prod'], ['-cprod'], ['-c=prod']]) {
      expect((await parse(argv)).flags.cluster).toBe('prod')
    }
  })

  it('keeps a value with = in it whole after the first =', async () => {
    expect((await parse(['--cluster=a=b'])).flags.cluster).toBe('a=b')
  })

  it('takes one value per use of a repeatable flag; a later bare word is an argument, not another value', async () => {
    expect((await parse(['--only', 'network/', '--only', 'host/'])).flags.only).toEqual(['network/', 'host/'])
    const r = await parse(['--only', 'network/', 't.yaml'], true)
    expect(r.flags.only).toEqual(['network/'])
    expect(r.args.template).toBe('t.yaml')
  })

  it('reads --no-flag for allowNo booleans only', async () => {
    expect((await parse(['--no-probe'])).flags.probe).toBe(false)
    await fails(['--no-verbose'], /^Nonexistent flag: --no-verbose$/)
  })

  it('splits -vy into two one-letter booleans', async () => {
    expect((await parse(['-vy'])).flags).toMatchObject({verbose: true, yes: true})
  })

  it('refuses a value on a boolean flag, saying how to turn it off when it can be', async () => {
    await fails(['--probe=false'], /^--probe takes no value \(--no-probe turns it off\)$/)
    await fails(['--verbose=true'], /^--verbose takes no value$/)
  })

  it('parses integers within bounds and names the flag when one is not', async () => {
    expect((await parse(['--probe-timeout', '30'])).flags['probe-timeout']).toBe(30)
    await fails(['--probe-timeout', '1'], /^--probe-timeout: Expected an integer greater than or equal to 5 but received: 1$/)
    await fails(['--probe-timeout=9999'], /^--probe-timeout: Expected an integer less than or equal to 3600 but received: 9999$/)
    await fails(['--probe-timeout', '1.5'], /^--probe-timeout: Expected an integer but received: 1\.5$/)
  })

  it('refuses a value outside the options, naming them', async () => {
    await fails(['-o', 'yaml'], /^Expected --output=yaml to be one of: table, json$/)
    await fails(['--output'], /^Flag --output expects one of these values: table, json$/)
  })

  it('says a flag expects a value when none follows or the next word is another flag', async () => {
    await fails(['--cluster'], /^Flag --cluster expects a value$/)
    await fails(['--cluster', '--verbose'], /^Flag --cluster expects a value$/)
    // a value that only looks like a flag is a value
    expect((await parse(['--cluster', '-x'])).flags.cluster).toBe('-x')
  })

  it('refuses a single-value flag given twice', async () => {
    await fails(['-c', 'a', '--cluster', 'b'], /^Flag --cluster can only be specified once$/)
  })

  it('lists every unknown flag, and unexpected arguments', async () => {
    await fails(['--nope', '--also'], /^Nonexistent flags: --nope, --also$/)
    await fails(['extra'], /^Unexpected argument: extra$/)
    await fails(['t.yaml', 'a', 'b'], /^Unexpected arguments: a, b$/, true)
  })

  it('names a missing required argument', async () => {
    await fails([], /^missing argument <template>$/, true)
  })

  it('reads everything after -- as arguments, and a negative number as an argument', async () => {
    expect((await parse(['--', '--verbose'], true)).args.template).toBe('--verbose')
    expect((await parse(['-5'], true)).args.template).toBe('-5')
  })

  it('names both flags of an exclusive pair, with the value given', async () => {
    await fails(['--cluster', 'prod', '--from', 'x.json'], /^--cluster=prod cannot also be provided when using --from$/)
  })

  it('reads an environment variable when the flag is not given, and the flag over it', async () => {
    process.env.EFSD_TEST_TIMEOUT = '12'
    try {
      expect((await parse([])).flags.timeout).toBe(12)
      expect((await parse(['--timeout', '7'])).flags.timeout).toBe(7)
      process.env.EFSD_TEST_TIMEOUT = 'soon'
      await fails([], /^--timeout: Expected an integer but received: soon$/)
    } finally {
      delete process.env.EFSD_TEST_TIMEOUT
    }
  })

  it("runs a flag's own parse; its UsageError naming the flag is kept as it is", async () => {
    expect((await parse(['--endpoint', 'http://x'])).flags.endpoint).toBe('HTTP://X')
    const error = await parse(['--endpoint', 'ftp://x']).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect(error).not.toBeInstanceOf(ArgvError)
    expect((error as Error).message).toBe('--endpoint "ftp://x" is not a URL')
  })

  it('warns about a deprecated one-letter alias and still reads it', async () => {
    const r = await parse(['-f', 'out.json'])
    expect(r.flags['output-file']).toBe('out.json')
    expect(r.warnings).toEqual(['the "-f" flag is deprecated; use "--output-file" instead'])
  })

  it('does not read flags named like Object.prototype members', async () => {
    await fails(['--constructor', 'x'], /^Nonexistent flag: --constructor$/)
    await fails(['--__proto__=x'], /^Nonexistent flag: --__proto__=x$/)
  })
})

describe('directCommand', () => {
  const known = (id: string) => ['check', 'lint', 'iam-policy'].includes(id)
  it.each([
    [['check', '--from', 'x'], 'check'],
    [['iam-policy'], 'iam-policy'],
    [['lint', 't.yaml', '--', '--help'], 'lint'],
  ])('%j runs %s directly', (argv, id) => {
    expect(directCommand(argv, known)).toBe(id)
  })

  it.each([
    [[]], [['help', 'check']], [['check', '--help']], [['lint', '-h']], [['chek']], [['--debug', 'check']],
    [['../check']], [['Check']],
  ])('%j goes to oclif', argv => {
    expect(directCommand(argv, known)).toBeUndefined()
  })
})

describe('readsUserDataFile (the grammar starts compiling before the command loads)', () => {
  it.each([
    ['check', ['--from', 'x.json'], true],
    ['check', ['--from=x.json', '-o', 'json'], true],
    ['check', ['--example', 'healthy'], true],
    ['lint', ['t.yaml'], true],
    // A live run loads it while its first calls are in flight (inventory/collect.ts); a compile nobody waits for
    // would hold these at exit.
    ['check', ['--cluster', 'prod'], false],
    ['check', ['--list-examples'], false],
    ['check', ['--fromage'], false],
    ['mount', ['--instance', 'i-0123456789abcdef0'], false],
    ['userdata', ['-f', 'fs-12345678'], false],
  ])('%s %p → %p', (id, argv, expected) => {
    expect(readsUserDataFile(id, argv)).toBe(expected)
  })
})

describe('v8Settings (what bin/run.js tells V8 before the command loads)', () => {
  it.each([
    ['check', ['--from', 'x.json'], ['--semi-space-growth-factor=1', '--no-opt']],
    ['check', ['--example=healthy', '-o', 'json'], ['--semi-space-growth-factor=1', '--no-opt']],
    // Live runs parse every AWS response in the SDK: the optimising compiler stays on.
    ['check', ['--cluster', 'prod'], ['--semi-space-growth-factor=1']],
    ['snapshot', ['--cluster', 'prod'], ['--semi-space-growth-factor=1']],
    ['lint', ['t.yaml'], []],
  ])('%s %p → %p', (id, argv, expected) => {
    expect(v8Settings(id, argv)).toEqual(expected)
  })
})
