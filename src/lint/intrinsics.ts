/**
 * Just enough CloudFormation intrinsic-function evaluation to read a template offline. Nothing is guessed: a value
 * that depends on a parameter, an import, a condition or a runtime attribute stays a `${Name}` placeholder (or
 * undefined for lists), so checks see it as unknown rather than as a made-up value.
 */
import type {Json} from './template.js'

export interface ResolveContext {
  /** Resource logical id → type. */
  resourceTypes: Record<string, string>
  parameters: Set<string>
  region?: string
  /** Ref to a resource whose physical name is known (e.g. a cluster with ClusterName or --cluster-name). */
  knownNames: Record<string, string>
}

type Obj = {[k: string]: Json}
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const fnOf = (v: Json | undefined): [string, Json] | undefined => {
  if (!isObj(v)) return undefined
  const keys = Object.keys(v)
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::')) ? [keys[0], v[keys[0]]] : undefined
}

/** A short name for a list a placeholder refers to: the parameter `Ref` names, `GetAZs`, or `?`. */
function placeholderName(v: Json | undefined): string {
  const fn = fnOf(v)
  if (fn?.[0] === 'Ref' && typeof fn[1] === 'string') return fn[1]
  return fn ? fn[0].replace(/^Fn::/, '') : '?'
}

/** The partition a region belongs to. */
export const partitionOf = (region: string): string => region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws'

export class Resolver {
  constructor(private readonly ctx: ResolveContext) {}

  /** What `Ref` gives: a resource's logical id stands in for its physical id; parameters stay placeholders. */
  ref(name: string): string {
    if (name === 'AWS::Region' && this.ctx.region) return this.ctx.region
    if (name === 'AWS::Partition' && this.ctx.region) return partitionOf(this.ctx.region)
    if (name === 'AWS::URLSuffix' && this.ctx.region) return this.ctx.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'
    if (this.ctx.knownNames[name]) return this.ctx.knownNames[name]
    if (this.ctx.resourceTypes[name]) return name
    return `\${${name}}`
  }

  /** A scalar value as a string; unknown pieces become `${…}` placeholders; undefined when it is not a string at all. */
  /** `inText`: the value is spliced into text (Fn::Join), where resource refs stay `${Name}` as in Fn::Sub. */
  str(v: Json | undefined, inText = false): string | undefined {
    if (v === undefined || v === null) return undefined
    if (typeof v === 'string') return v
    if (typeof v === 'number' || typeof v === 'boolean') return String(v)
    const fn = fnOf(v)
    if (!fn) return undefined
    const [name, arg] = fn
    switch (name) {
      case 'Ref': return typeof arg === 'string' ? (inText ? this.subRef(arg) : this.ref(arg)) : undefined
      case 'Fn::Base64': return this.str(arg, inText)
      case 'Fn::Sub': return this.sub(arg)
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2) return undefined
        const sep = this.str(arg[0]) ?? ''
        const items = this.list(arg[1], true)
        return items?.map(i => i ?? '${?}').join(sep)
      }
      case 'Fn::GetAtt': {
        const [res, attr] = Array.isArray(arg) ? arg.map(a => this.str(a)) : String(arg).split('.')
        // NOTE: spliced into text (Fn::Join, a Fn::Sub variable) the resource stays `${Logical}`, as `${Logical}` in
        // Fn::Sub does, so UserData reads `${FileSystem}:/` whichever way the template wrote it.
        if (res && /^(GroupId|FileSystemId|AccessPointId|Arn)$/.test(attr ?? '') && this.ctx.resourceTypes[res]) return inText ? `\${${res}}` : res
        return `\${${res ?? '?'}.${attr ?? '?'}}`
      }
      case 'Fn::Select': {
        if (!Array.isArray(arg) || arg.length !== 2) return undefined
        const i = Number(this.str(arg[0]))
        const items = this.list(arg[1])
        if (items && Number.isInteger(i)) return items[i] ?? undefined
        // NOTE: the index and the list's name stay in the placeholder: `!Select [0, !Ref Subnets]` and
        // `!Select [1, !Ref Subnets]` are two subnets, not one `${Select}`.
        return `\${Select:${Number.isInteger(i) ? i : '?'}:${placeholderName(arg[1])}}`
      }
      case 'Fn::If': return `\${If:${Array.isArray(arg) && typeof arg[0] === 'string' ? arg[0] : '?'}}`
      case 'Fn::ImportValue': return `\${ImportValue:${this.str(arg) ?? '?'}}`
      default: return `\${${name.replace(/^Fn::/, '')}}`
    }
  }

  /** A list value (SecurityGroupIds, Subnets…), item by item; undefined when the list itself is not known. */
  list(v: Json | undefined, inText = false): (string | undefined)[] | undefined {
    if (v === undefined || v === null) return undefined
    if (Array.isArray(v)) return v.map(x => this.str(x, inText))
    const fn = fnOf(v)
    if (fn?.[0] === 'Fn::Split' && Array.isArray(fn[1]) && fn[1].length === 2) {
      const sep = this.str(fn[1][0])
      const whole = this.str(fn[1][1])
      return sep && whole && !whole.includes('${') ? whole.split(sep) : undefined
    }
    return undefined
  }

  /**
   * Fn::Sub, scalar or `[template, {vars}]`. `${!X}` becomes the literal `${X}`; `${AWS::Region}` is filled only when
   * a region was given; resource and parameter references stay `${Name}` unless their name is known.
   */
  sub(arg: Json): string | undefined {
    let template: string | undefined
    let vars: Obj = {}
    if (typeof arg === 'string') template = arg
    else if (Array.isArray(arg) && typeof arg[0] === 'string') {
      template = arg[0]
      if (isObj(arg[1])) vars = arg[1]
    }
    if (template === undefined) return undefined
    return template.replace(/\$\{(!?)([^}$]*)\}/g, (whole, bang: string, name: string) => {
      if (bang) return `\${${name}}`
      if (name in vars) {
        const v = vars[name]
        const ref = fnOf(v)
        if (ref?.[0] === 'Ref' && typeof ref[1] === 'string') return this.subRef(ref[1])
        return this.str(v, true) ?? whole
      }
      return this.subRef(name)
    })
  }

  private subRef(name: string): string {
    if (name.includes('.')) return `\${${name}}`
    if (name.startsWith('AWS::')) {
      const r = this.ref(name)
      return r
    }
    return this.ctx.knownNames[name] ?? `\${${name}}`
  }
}
