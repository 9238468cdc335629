/**
 * Wire formats of the simulated AWS, driven by the SDK's own schemas (the `Operation$` tuples every v3 client
 * exports), so member names, xmlName/ec2QueryName traits, list wrappers and timestamps are exactly what the real
 * clients serialise and deserialise: ec2 query and awsQuery (form requests, XML responses), awsJson1_1 and
 * restJson1 (JSON bodies, epoch-second timestamps).
 */
import {NormalizedSchema} from '@smithy/core/schema'

export type Protocol = 'ec2' | 'query' | 'json'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Shape = any

export function schemaOf(op: unknown, which: 'input' | 'output'): NormalizedSchema {
  const t = op as unknown[]
  return NormalizedSchema.of(t[which === 'input' ? 4 : 5] as never)
}

const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

function queryName(member: NormalizedSchema, name: string, protocol: Protocol): string {
  const t = member.getMergedTraits() as Record<string, string | undefined>
  if (protocol === 'ec2') return t.ec2QueryName ?? (t.xmlName ? upperFirst(t.xmlName) : upperFirst(name))
  return t.xmlName ?? name
}

function scalar(schema: NormalizedSchema, raw: string): unknown {
  if (schema.isNumericSchema()) return Number(raw)
  if (schema.isBooleanSchema()) return raw === 'true'
  if (schema.isTimestampSchema()) return new Date(raw)
  return raw
}

/** Form parameters (ec2 query or awsQuery) → an SDK-shaped input object. */
export function parseQueryInput(params: URLSearchParams, schema: NormalizedSchema, protocol: Protocol): Shape {
  const keys = [...params.keys()]
  const has = (prefix: string) => keys.some(k => k === prefix || k.startsWith(`${prefix}.`))
  const read = (s: NormalizedSchema, key: string): unknown => {
    if (s.isStructSchema()) {
      const out: Record<string, unknown> = {}
      for (const [name, m] of s.structIterator()) {
        const k = `${key ? `${key}.` : ''}${queryName(m, name, protocol)}`
        if (has(k)) out[name] = read(m, k)
      }
      return out
    }
    if (s.isListSchema()) {
      const flattened = protocol === 'ec2' || Boolean((s.getMergedTraits() as {xmlFlattened?: unknown}).xmlFlattened)
      const base = flattened ? key : `${key}.member`
      const items: unknown[] = []
      for (let i = 1; has(`${base}.${i}`); i++) items.push(read(s.getValueSchema(), `${base}.${i}`))
      return items
    }
    return scalar(s, params.get(key) ?? '')
  }
  return read(schema, '')
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

function xmlValue(schema: NormalizedSchema, value: unknown, protocol: Protocol): string {
  if (value === undefined || value === null) return ''
  if (schema.isStructSchema()) {
    let out = ''
    for (const [name, m] of schema.structIterator()) {
      const v = (value as Record<string, unknown>)[name]
      if (v === undefined || v === null) continue
      const tag = (m.getMergedTraits() as {xmlName?: string}).xmlName ?? name
      if (m.isListSchema() && (m.getMergedTraits() as {xmlFlattened?: unknown}).xmlFlattened) {
        for (const item of v as unknown[]) out += `<${tag}>${xmlValue(m.getValueSchema(), item, protocol)}</${tag}>`
      } else {
        out += `<${tag}>${xmlValue(m, v, protocol)}</${tag}>`
      }
    }
    return out
  }
  if (schema.isListSchema()) {
    const item = schema.getValueSchema()
    const tag = (item.getMergedTraits() as {xmlName?: string}).xmlName ?? (protocol === 'ec2' ? 'item' : 'member')
    return (value as unknown[]).map(v => `<${tag}>${xmlValue(item, v, protocol)}</${tag}>`).join('')
  }
  if (schema.isMapSchema()) {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `<entry><key>${esc(k)}</key><value>${xmlValue(schema.getValueSchema(), v, protocol)}</value></entry>`).join('')
  }
  if (schema.isTimestampSchema()) return new Date(value as string).toISOString()
  if (schema.isBlobSchema()) return Buffer.from(value as Uint8Array).toString('base64')
  return esc(String(value))
}

const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/'

/** SDK-shaped output → the XML body of a successful ec2-query or awsQuery response. */
export function xmlOutput(op: string, schema: NormalizedSchema, value: Shape, protocol: Protocol, requestId: string, ns: string): string {
  const body = xmlValue(schema, value ?? {}, protocol)
  if (protocol === 'ec2') {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<${op}Response xmlns="${EC2_NS}"><requestId>${requestId}</requestId>${body}</${op}Response>`
  }
  return `<${op}Response xmlns="${ns}"><${op}Result>${body}</${op}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${op}Response>`
}

/** SDK-shaped output → JSON: timestamps as epoch seconds, blobs as base64. */
export function jsonOutput(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  if (Array.isArray(value)) return value.map(jsonOutput)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonOutput(v)
    return out
  }
  return value
}

export function ec2ErrorXml(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
}

export function queryErrorXml(code: string, message: string, requestId: string, ns: string, sender = true): string {
  return `<ErrorResponse xmlns="${ns}"><Error><Type>${sender ? 'Sender' : 'Receiver'}</Type><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
}
