/** Ajv (draft-07) with formats, for validating reports and SARIF against their JSON schemas in tests. */
import {readFileSync} from 'node:fs'
import AjvModule from 'ajv'
import formatsModule from 'ajv-formats'

// NOTE: both packages are CommonJS; under ESM the class/plugin may sit on `.default`.
type AjvClass = typeof AjvModule.default
const Ajv = ((AjvModule as unknown as {default?: AjvClass}).default ?? AjvModule) as AjvClass
const addFormats = ((formatsModule as unknown as {default?: typeof formatsModule.default}).default ?? formatsModule) as typeof formatsModule.default

export function readSchema(relative: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../${relative}`, import.meta.url), 'utf8')) as Record<string, unknown>
}

/** Compiles a schema; the validator returns `true` or throws with every error listed. */
export function validatorFor(schema: Record<string, unknown>) {
  const ajv = new Ajv({allErrors: true, strict: false})
  addFormats(ajv)
  const validate = ajv.compile(schema)
  const check = (data: unknown): string[] => (validate(data) ? [] : (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message}`))
  return check
}
