/**
 * Runs the simulated AWS in its own process (so its own CPU time does not slow the client being measured):
 * `node --import tsx bench/fake-aws/serve.ts '{"instances":1000}'` prints the endpoint URL on the first line and
 * serves until stdin closes. Records and reset through GET /__fake/records and /__fake/reset.
 */
import {startFakeAws, type FakeAwsOptions} from './server.js'

const opts = JSON.parse(process.argv[2] ?? '{}') as FakeAwsOptions
const fake = await startFakeAws(opts)
fake.warmUp()
process.stdout.write(`${fake.url}\n`)
process.stdin.resume()
process.stdin.on('end', () => { void fake.stop().then(() => process.exit(0)) })
