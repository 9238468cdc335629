/**
 * JSON Schema validation for files the user hands us (snapshots for `check --from`, reports for `--baseline`): the
 * first way a document departs from a schema shipped in schemas/, as one line.
 */
import {readFileSync} from 'node:fs'

interface SchemaError {instancePath: string; message?: string; params: Record<string, unknown>}
type Validate = ((data: unknown) => boolean) & {errors?: SchemaError[] | null}

/**
 * One error as `/path/to/field must be …`, with the allowed values when ajv keeps them out of its message. Characters
 * in the path outside printable ASCII (a key with a space or a newline) are percent-encoded, as in a URI fragment, so
 * the path stays one word and the message one line.
 */
export function describeSchemaError(e: SchemaError): string {
  const where = (e.instancePath || '/').replace(/[^\x21-\x7e]/gu, c => encodeURIComponent(c))
  const allowed = e.params.allowedValues ?? (e.params.allowedValue === undefined ? undefined : [e.params.allowedValue])
  const values = Array.isArray(allowed) ? `: ${allowed.map(v => JSON.stringify(v)).join(', ')}` : ''
  return `${where} ${e.message ?? 'is invalid'}${values}`
}

/** A function that returns the first problem of a document against the schema at `url` (compiled once, on first use). */
export function schemaChecker(url: URL, what: string): (data: unknown) => Promise<string | undefined> {
  let validate: Validate | undefined
  return async data => {
    if (!validate) {
      // NOTE: imported here, not at the top, so commands that never read such a file (and --help) do not load ajv.
      const mod = await import('ajv')
      // ajv is CommonJS: under ESM the class may sit on `.default` (or `.default.default`).
      const Ajv = (mod.default.default ?? mod.default) as typeof mod.default.default
      const schema = JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>
      // NOTE: `format` keywords (date-time) are annotations here: ajv-formats is not a runtime dependency. strictRequired
      // is off because the report schema requires `fix` in an if/then without redeclaring it.
      validate = new Ajv({allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true, validateFormats: false}).compile(schema) as Validate
    }
    if (validate(data)) return undefined
    const first = validate.errors?.[0]
    return first ? describeSchemaError(first) : `does not match the ${what} schema`
  }
}
