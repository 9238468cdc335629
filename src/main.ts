/**
 * What bin/run.js runs: oclif's `execute`, taken from the bundle (scripts/bundle.mjs) so that oclif and the commands
 * share one bundled copy of @oclif/core, loaded from a few files instead of ~300 (about 60 ms of every start).
 */
export {execute} from '@oclif/core'
