import {availableParallelism} from 'node:os'

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {'^(\\.{1,2}/.*)\\.js$': '$1'},
  transform: {'^.+\\.ts$': '<rootDir>/test/esbuild-transform.cjs'},
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup.cjs'],
  setupFilesAfterEnv: ['<rootDir>/test/after-env.cjs', '<rootDir>/test/shell-parser-setup.ts'],
  testTimeout: 30000,
  // NOTE: at least two workers. Jest's default (cores - 1) runs a 2-core machine in band: one process, one core, and
  // every test file's modules left on one heap (its full collections grew to seconds per file). Many files here
  // wait on child processes (bash, moto, chromium, the CLI), so two workers also overlap those waits.
  maxWorkers: Math.max(2, availableParallelism() - 1),
}
