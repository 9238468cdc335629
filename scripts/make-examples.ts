// Writes examples/snapshots/<fault>.json from the healthy example plus each named fault: node --import tsx scripts/make-examples.ts
import {writeFileSync} from 'node:fs'
import {FAULTS, faulty} from '../test/support/faults.js'

for (const name of Object.keys(FAULTS)) {
  writeFileSync(`examples/snapshots/${name}.json`, `${JSON.stringify(faulty(name), null, 2)}\n`)
  console.log(`examples/snapshots/${name}.json`)
}
