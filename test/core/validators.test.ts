/**
 * The precompiled validators (src/core/validators/*.generated.ts, from scripts/gen-validators.mjs) are what `check
 * --from` and `--baseline` run: they must be what the schemas in schemas/ compile to today, and reject what the schema
 * rejects, with the same first error ajv gives when it compiles the schema itself.
 */
import {execFileSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import AjvModule from 'ajv'
import {schemaProblem} from '../../src/inventory/load-snapshot.js'
import {describeSchemaError} from '../../src/core/json-schema.js'

type AjvClass = typeof AjvModule.default
const Ajv = ((AjvModule as unknown as {default?: AjvClass}).default ?? AjvModule) as AjvClass

describe('precompiled schema validators', () => {
  it('are not stale against schemas/ (run `npm run build` to regenerate)', () => {
    // Throws (exit 1, naming the stale file) when a generated validator differs from what its schema compiles to.
    expect(() => execFileSync(process.execPath, ['scripts/gen-validators.mjs', '--check'], {stdio: 'pipe'})).not.toThrow()
  })

  it('report the same first error as ajv compiling the schema at run time', async () => {
    const schema = JSON.parse(readFileSync('schemas/snapshot.schema.json', 'utf8')) as object
    const compiled = new Ajv({allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true, validateFormats: false}).compile(schema)
    const good = JSON.parse(readFileSync('examples/snapshots/healthy.json', 'utf8')) as Record<string, unknown>
    expect(await schemaProblem(good)).toBeUndefined()
    for (const bad of [{...good, schemaVersion: 'two'}, {...good, instances: 'x'}, {...good, gaps: [{}]}, {...good, scope: 7}]) {
      expect(compiled(bad)).toBe(false)
      const problem = await schemaProblem(bad)
      expect(problem).toBeDefined()
      expect(problem).toBe(describeSchemaError(compiled.errors![0]))
    }
  })
})
