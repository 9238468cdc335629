/** oclif's init hook, run before every command oclif runs: the signal exits of src/cli/signals.ts. */
import type {Hook} from '@oclif/core'
import {exitOnSignals} from '../cli/signals.js'

const hook: Hook<'init'> = async function () {
  exitOnSignals()
}

export default hook
