/**
 * JSON Schema validation for files the user hands us (snapshots for `check --from`, reports for `--baseline`): the
 * first way a document departs from a schema shipped in schemas/, as one line.
 */
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

/**
 * A function that returns the first problem of a document against a schema, with the validator `load` returns
 * (a module precompiled from schemas/ by scripts/gen-validators.mjs, imported on first use so commands that never
 * read such a file, and --help, do not load it).
 */
export function schemaChecker(load: () => Promise<{validate: unknown}>, what: string): (data: unknown) => Promise<string | undefined> {
  let validate: Validate | undefined
  return async data => {
    validate ??= (await load()).validate as Validate
    if (validate(data)) return undefined
    const first = validate.errors?.[0]
    return first ? describeSchemaError(first) : `does not match the ${what} schema`
  }
}
