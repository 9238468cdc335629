/**
 * The maps of a snapshot (objects keyed by ids, tag keys, package names) lose their prototype when a file is read
 * (load-snapshot.ts mapsWithoutPrototypes), so a key named like a member of Object.prototype is never inherited.
 * SNAPSHOT_MAPS is held to the JSON Schema: every object it declares with `additionalProperties`, and nothing else.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadSnapshot, mapsWithoutPrototypes, SNAPSHOT_MAPS} from '../../src/inventory/load-snapshot.js'
import {readSchema} from '../support/ajv.js'
import {healthy, IDS} from '../support/snapshot-builder.js'

type SchemaNode = Record<string, unknown>

/** The paths (as SNAPSHOT_MAPS writes them) of every map the schema declares, $refs followed. */
function schemaMaps(schema: SchemaNode): string[] {
  const defs = schema.definitions as Record<string, SchemaNode>
  const found = new Set<string>()
  const walk = (node: SchemaNode | undefined, path: string[], depth: number): void => {
    if (!node || depth > 12) return
    if (typeof node.$ref === 'string') return walk(defs[node.$ref.replace('#/definitions/', '')], path, depth + 1)
    for (const branch of ['oneOf', 'anyOf', 'allOf'] as const) for (const b of (node[branch] as SchemaNode[] | undefined) ?? []) walk(b, path, depth + 1)
    const extra = node.additionalProperties
    if (extra && typeof extra === 'object') {
      found.add(path.join('.'))
      walk(extra as SchemaNode, [...path, '*'], depth + 1)
    }
    for (const [k, v] of Object.entries((node.properties as Record<string, SchemaNode> | undefined) ?? {})) walk(v, [...path, k], depth + 1)
    if (node.items && typeof node.items === 'object') walk(node.items as SchemaNode, [...path, '*'], depth + 1)
  }
  walk(schema, [], 0)
  return [...found].sort()
}

describe('the maps of a snapshot', () => {
  it('SNAPSHOT_MAPS names every map of schemas/snapshot.schema.json and nothing else', () => {
    expect([...SNAPSHOT_MAPS].sort()).toEqual(schemaMaps(readSchema('schemas/snapshot.schema.json') as SchemaNode))
  })

  it('every map read from a file has no prototype: a key like toString or constructor is own or absent; records keep theirs', async () => {
    const s = healthy() as unknown as Record<string, Record<string, unknown>>
    s.instances[IDS.instances[0]] = {...(s.instances[IDS.instances[0]] as object), tags: {Name: 'x'}}
    const file = join(mkdtempSync(join(tmpdir(), 'efsd-maps-')), 's.json')
    writeFileSync(file, JSON.stringify(s))
    const loaded = await loadSnapshot(file) as unknown as Record<string, Record<string, Record<string, unknown>>>
    for (const part of ['instances', 'securityGroups', 'subnets', 'vpcs']) {
      expect([part, Object.getPrototypeOf(loaded[part])]).toEqual([part, null])
      expect(loaded[part].toString).toBeUndefined()
      expect(loaded[part].constructor).toBeUndefined()
    }
    const instance = loaded.instances[IDS.instances[0]]
    expect(Object.getPrototypeOf(instance.tags)).toBeNull()
    expect((instance.tags as Record<string, unknown>).hasOwnProperty).toBeUndefined()
    // A record read by fixed field names keeps Object.prototype.
    expect(Object.getPrototypeOf(instance)).toBe(Object.prototype)
  })

  it('takes any shape without throwing (the file is validated afterwards) and keeps a key __proto__ an own key', () => {
    for (const odd of [null, 1, 'x', [], {instances: []}, {instances: 'x'}, {hostFacts: {a: null, b: {facts: 1}}}, {userData: [{cfnInit: 'x'}]}]) {
      expect(() => mapsWithoutPrototypes(odd)).not.toThrow()
    }
    const data = mapsWithoutPrototypes(JSON.parse('{"instances": {"__proto__": {"id": "__proto__"}, "constructor": {"id": "constructor"}}}')) as {instances: Record<string, {id: string} | undefined>}
    expect(Object.getPrototypeOf(data.instances)).toBeNull()
    expect(Object.keys(data.instances)).toEqual(['__proto__', 'constructor'])
    expect(data.instances['constructor']?.id).toBe('constructor')
  })
})
