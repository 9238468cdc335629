/**
 * Discovery and the schema-1 upgrade work out which file systems each client uses from its UserData mounts, so the
 * shell parser must be loaded before they parse it. In a process where nothing loaded it, every script read as "could
 * not be read" and its mounts as none: the launch template that mounts the file system was missing from `usedBy`.
 * Jest's setup loads the parser for every test file, so this runs a fresh process.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {jest} from '@jest/globals'
import {healthy} from '../support/snapshot-builder.js'

jest.setTimeout(120_000)
const ENV = {...process.env, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_EC2_METADATA_DISABLED: 'true'}

function fresh(...argv: string[]): {loadedAtStart: boolean; fileSystems: {id: string; usedBy?: {client: {kind: string}}[]}[]} {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/support/usage-fresh-process.ts', ...argv], {encoding: 'utf8', env: ENV, timeout: 100_000})
  expect(r.stderr).toBe('')
  return JSON.parse(r.stdout) as ReturnType<typeof fresh>
}

describe('UserData is parsed with the shell parser loaded, in a fresh process', () => {
  it('discovery: the launch template whose UserData mounts the file system is one of its users', () => {
    const out = fresh('collect')
    expect(out.loadedAtStart).toBe(false)
    expect(out.fileSystems[0].usedBy?.map(u => u.client.kind)).toContain('launch-template')
  })

  it('check --from a schemaVersion 1 file: the upgrade sees the UserData mount', () => {
    const s = healthy() as unknown as {schemaVersion: number}
    s.schemaVersion = 1
    const file = join(mkdtempSync(join(tmpdir(), 'efsd-v1-')), 'v1.json')
    writeFileSync(file, JSON.stringify(s))
    const out = fresh('v1', file)
    expect(out.loadedAtStart).toBe(false)
    expect(out.fileSystems[0].usedBy?.map(u => u.client.kind)).toContain('launch-template')
  })
})
