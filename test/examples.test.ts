import {readFileSync} from 'node:fs'
import {FAULTS, faulty} from './support/faults.js'

describe('examples/snapshots', () => {
  it.each(Object.keys(FAULTS))('%s.json is up to date (node --import tsx scripts/make-examples.ts)', name => {
    expect(JSON.parse(readFileSync(`examples/snapshots/${name}.json`, 'utf8'))).toEqual(faulty(name))
  })
})
