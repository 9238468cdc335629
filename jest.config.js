export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {'^(\\.{1,2}/.*)\\.js$': '$1'},
  transform: {'^.+\\.ts$': ['ts-jest', {useESM: true, tsconfig: 'test/tsconfig.json'}]},
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup.cjs'],
  setupFilesAfterEnv: ['<rootDir>/test/after-env.cjs', '<rootDir>/test/shell-parser-setup.ts'],
  testTimeout: 30000,
}
