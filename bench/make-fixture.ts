/**
 * Regenerates bench/fixtures/cluster-1000.v1.json.gz: `efsdoctor snapshot --probe` of the simulated AWS's
 * 1,000-instance cluster (bench/fake-aws, deterministic for a given N) from the built dist/, written as
 * schemaVersion 1 (the loader upgrades it, so the bench exercises that path too) and gzipped (5 MB → about 65 KB).
 * `node --import tsx bench/make-fixture.ts` (after `npm run build`).
 */
import {execFileSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {gzipSync} from 'node:zlib'
import {startFake} from './cli.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const fake = await startFake(root, 1000, 0)
try {
  const out = execFileSync(process.execPath, [join(root, 'bin/run.js'), 'snapshot', '--cluster', 'prod', '--region', 'eu-west-1',
    '--endpoint-url', fake.url, '--probe'], {cwd: root, maxBuffer: 64 * 2 ** 20, encoding: 'utf8',
    env: {...process.env, AWS_ACCESS_KEY_ID: 'AKIABENCHFAKEKEY0000', AWS_SECRET_ACCESS_KEY: 'bench-fake-secret', AWS_EC2_METADATA_DISABLED: 'true'}})
  const snapshot = JSON.parse(out) as {schemaVersion: number; collectedAt: string}
  snapshot.schemaVersion = 1
  snapshot.collectedAt = '2026-12-02T00:00:00.000Z'
  writeFileSync(join(root, 'bench/fixtures/cluster-1000.v1.json.gz'), gzipSync(`${JSON.stringify(snapshot, null, 2)}\n`, {level: 9}))
} finally {
  fake.stop()
}
