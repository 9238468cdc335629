/** UserData fixture scripts (test/fixtures/userdata) and snapshots built from healthy() with one script swapped in. */
import {readFileSync} from 'node:fs'
import type {Snapshot} from '../../src/model/snapshot.js'
import {withFault} from './snapshot-builder.js'

export function udFixture(name: string): string {
  return readFileSync(new URL(`../fixtures/userdata/${name}`, import.meta.url), 'utf8')
}

/** healthy() whose (only) UserData text is `text`; `mutate` then applies any other change. */
export function withUserData(text: string, mutate: (s: Snapshot) => void = () => {}): Snapshot {
  return withFault(s => {
    s.userData![0].text = text
    mutate(s)
  })
}
