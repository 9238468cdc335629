/**
 * AWS::CloudFormation::Init metadata → what `cfn-init` does on the host, as shell the UserData walker reads where the
 * script runs `cfn-init --resource X` (src/checks/_lib/user-data-shell.ts). Per config, in cfn-init's order:
 * packages, files, commands (alphabetical by name), services — "cfn-init processes configuration sections in the
 * following order: packages, groups, users, sources, files, commands, and then services", and commands "are
 * processed in alphabetical order by name" (AWS CloudFormation User Guide, AWS::CloudFormation::Init).
 * Only what the userdata checks read is kept: installs, /etc/fstab and /etc/ecs/ecs.config files, commands, and
 * Docker/ECS services started with ensureRunning. A `test` is assumed to pass (first boot).
 */
import {shellCommand} from '../core/shell.js'
import type {CfnInit} from '../model/snapshot.js'
import type {Resolver} from './intrinsics.js'
import type {Json} from './template.js'

type Obj = {[k: string]: Json}
const obj = (v: Json | undefined): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {})

const INSTALL: Record<string, string> = {yum: 'yum install -y', apt: 'apt-get install -y', rpm: 'rpm -i', dnf: 'dnf install -y'}
const FILES_READ = /^\/etc\/(fstab|ecs\/ecs\.config)$/
const SERVICES = new Set(['docker', 'ecs'])
const MAX_CONFIGS = 100

/** Resources whose Init metadata a script runs: `cfn-init … --resource X` / `-r X` (each named once). */
export function cfnInitResources(script: string): string[] {
  return [...new Set([...script.matchAll(/\bcfn-init\b[^\n]*?(?:--resource[= ]|\s-r\s+)\s*["']?([A-Za-z0-9]+)/g)].map(m => m[1]))]
}

function configScript(r: Resolver, config: Obj): string {
  const out: string[] = []
  for (const [manager, pkgs] of Object.entries(obj(config.packages))) {
    const names = Object.keys(obj(pkgs))
    if (INSTALL[manager] && names.length) out.push(`${INSTALL[manager]} ${names.map(n => shellCommand([n])).join(' ')}`)
  }
  for (const [path, file] of Object.entries(obj(config.files))) {
    if (!FILES_READ.test(path)) continue
    const c = obj(file).content
    const content = r.str(c) ?? (c !== undefined ? JSON.stringify(c) : undefined)
    if (content !== undefined) out.push(`cat > ${path} <<'EFSDOCTOR_CFN_INIT_FILE'`, content.replace(/\n$/, ''), 'EFSDOCTOR_CFN_INIT_FILE')
  }
  const commands = obj(config.commands)
  for (const name of Object.keys(commands).sort()) {
    const cmd = obj(commands[name]).command
    const text = Array.isArray(cmd) ? shellCommand(cmd.map(x => r.str(x) ?? '')) : r.str(cmd)
    if (text) out.push(text)
  }
  for (const kind of ['sysvinit', 'systemd']) {
    for (const [name, svc] of Object.entries(obj(obj(config.services)[kind]))) {
      if (SERVICES.has(name) && r.str(obj(svc).ensureRunning) === 'true') out.push(`service ${name} start`)
    }
  }
  return out.join('\n')
}

/** The configs a configSet runs, in order; `{ConfigSet: x}` expands x; a `!If` runs the configs both arms name. */
function setItems(r: Resolver, sets: Obj, v: Json | undefined, depth = 0): string[] {
  if (depth > 10) return []
  const fnIf = obj(v)['Fn::If']
  if (Array.isArray(fnIf) && fnIf.length === 3) {
    const a = setItems(r, sets, fnIf[1], depth + 1)
    const b = new Set(setItems(r, sets, fnIf[2], depth + 1))
    return a.filter(x => b.has(x))
  }
  const items = Array.isArray(v) ? v : typeof v === 'string' ? [v] : []
  return items.flatMap(item => {
    if (typeof item === 'string') return [item]
    const ref = obj(item).ConfigSet
    if (typeof ref === 'string') return setItems(r, sets, sets[ref], depth + 1)
    return []
  })
}

/** The Init metadata of `resource` (its Metadata in `resources`), or undefined when it has none. */
export function cfnInitOf(r: Resolver, resources: Obj, resource: string): CfnInit | undefined {
  const init = obj(obj(obj(resources[resource]).Metadata)['AWS::CloudFormation::Init'])
  if (Object.keys(init).length === 0) return undefined
  const sets = obj(init.configSets)
  const configSets = Object.fromEntries(Object.keys(sets).map(k => [k, setItems(r, sets, sets[k])]))
  const configs = Object.fromEntries(Object.entries(init).filter(([k, v]) => k !== 'configSets' && Object.keys(obj(v)).length)
    .slice(0, MAX_CONFIGS).map(([k, v]) => [k, configScript(r, obj(v))]))
  return {resource, configSets, configs}
}
