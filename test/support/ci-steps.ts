/**
 * Runs CI definitions the way their runners do, on this machine: the `run:` steps of a composite GitHub Action in a
 * temporary GITHUB_* environment (step summary, output, env and path files; ${{ inputs.* }} expressions evaluated),
 * and a GitLab job's before_script + script as one bash script with its variables. No network: the efsdoctor
 * checkout is this repository, whose node_modules is already installed.
 */
import {spawnSync} from 'node:child_process'
import {appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse} from 'yaml'

export const REPO = process.cwd()

interface ActionStep { name?: string; id?: string; uses?: string; with?: Record<string, unknown>; shell?: string; run?: string; env?: Record<string, string> }
export interface ActionDef {
  inputs: Record<string, {description: string; required?: boolean; default?: string}>
  outputs: Record<string, {description: string; value: string}>
  runs: {using: string; steps: ActionStep[]}
}

export const readAction = (): ActionDef => parse(readFileSync(join(REPO, 'action.yml'), 'utf8')) as ActionDef

/** A clean environment: this process's, without anything a CI runner would set. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(GITHUB_|RUNNER_|CI_|EFSDOCTOR_)/.test(k)) env[k] = v
  return {...env, CI: 'true', AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1'}
}

/** `KEY=VALUE` lines and `KEY<<DELIM … DELIM` blocks, as GitHub reads GITHUB_OUTPUT and GITHUB_ENV. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1)
      out[heredoc[1]] = lines.slice(i + 1, end).join('\n')
      i = end
    } else if (lines[i].includes('=')) {
      out[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1)
    }
  }
  return out
}

export interface ActionRun {
  code: number
  log: string
  outputs: Record<string, string>
  summary: string
  skippedUses: string[]
  runnerTemp: string
}

/** Runs the action's steps in order, stopping at the first failing one (as a job does), and resolves its outputs. */
export function runAction(inputs: Record<string, string>, workspace: string): ActionRun {
  const action = readAction()
  const root = mkdtempSync(join(tmpdir(), 'efsd-gha-'))
  const files = {GITHUB_OUTPUT: 'output', GITHUB_STEP_SUMMARY: 'summary.md', GITHUB_ENV: 'env', GITHUB_PATH: 'path'}
  const runnerTemp = join(root, 'runner-temp')
  mkdirSync(runnerTemp)
  const value = (name: string) => {
    const input = action.inputs[name]
    if (!input) throw new Error(`the action has no input "${name}"`)
    return inputs[name] ?? input.default ?? ''
  }
  const stepOutputs: Record<string, Record<string, string>> = {}
  const expr = (text: string) => text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, e: string) => {
    let m = /^inputs\.([\w-]+)$/.exec(e)
    if (m) return value(m[1])
    m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e)
    if (m) return stepOutputs[m[1]]?.[m[2]] ?? ''
    if (e === 'github.action_path') return REPO
    throw new Error(`expression not supported by this runner: ${e}`)
  })
  let log = ''
  let code = 0
  const skippedUses: string[] = []
  for (const [i, step] of action.runs.steps.entries()) {
    if (step.uses) {
      skippedUses.push(`${step.uses} ${JSON.stringify(step.with ?? {})}`)
      continue
    }
    for (const [k, f] of Object.entries(files)) writeFileSync(join(root, `${f}.${i}`), '')
    const env: Record<string, string> = {...baseEnv(), GITHUB_ACTIONS: 'true', GITHUB_ACTION_PATH: REPO, GITHUB_WORKSPACE: workspace,
      GITHUB_RUN_ID: '4242', GITHUB_JOB: 'efsdoctor', GITHUB_ACTION: step.id ?? `__run_${i}`, RUNNER_TEMP: runnerTemp}
    for (const [k, f] of Object.entries(files)) env[k] = join(root, `${f}.${i}`)
    const persisted = existsSync(join(root, 'env.all')) ? parseCommandFile(readFileSync(join(root, 'env.all'), 'utf8')) : {}
    const paths = existsSync(join(root, 'path.all')) ? readFileSync(join(root, 'path.all'), 'utf8').split('\n').filter(Boolean).reverse() : []
    Object.assign(env, persisted, Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expr(String(v))])))
    env.PATH = [...paths, env.PATH].join(':')
    const script = join(root, `step-${i}.sh`)
    writeFileSync(script, expr(step.run ?? ''))
    // NOTE: GitHub's `shell: bash` is `bash --noprofile --norc -eo pipefail {0}`.
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {cwd: workspace, env, encoding: 'utf8', timeout: 240_000})
    log += `## ${step.name ?? i}\n${r.stdout}${r.stderr}`
    stepOutputs[step.id ?? `__run_${i}`] = parseCommandFile(readFileSync(env.GITHUB_OUTPUT, 'utf8'))
    appendFileSync(join(root, 'summary.all'), readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8'))
    appendFileSync(join(root, 'env.all'), readFileSync(env.GITHUB_ENV, 'utf8'))
    appendFileSync(join(root, 'path.all'), readFileSync(env.GITHUB_PATH, 'utf8'))
    code = r.status ?? 1
    if (code !== 0) break
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([k, o]) => [k, expr(o.value)]))
  const summary = existsSync(join(root, 'summary.all')) ? readFileSync(join(root, 'summary.all'), 'utf8') : ''
  return {code, log, outputs, summary, skippedUses, runnerTemp}
}

interface GitLabJob { extends?: string; image?: string; variables?: Record<string, string>; before_script?: string[]; script?: string[]
  artifacts?: {when?: string; paths?: string[]; reports?: Record<string, string>} }

export const readGitLabTemplate = (): Record<string, GitLabJob> =>
  parse(readFileSync(join(REPO, 'ci/gitlab/efsdoctor.gitlab-ci.yml'), 'utf8')) as Record<string, GitLabJob>

/** Runs a job that `extends` a hidden job of the template: merged variables, before_script + script in one shell. */
export function runGitLabJob(job: GitLabJob, projectDir: string): {code: number; log: string} {
  const template = readGitLabTemplate()
  const base = template[job.extends!]
  const variables = {...base.variables, ...job.variables}
  const script = ['set -eo pipefail', ...(job.before_script ?? base.before_script ?? []), ...(job.script ?? base.script ?? [])].join('\n')
  const file = join(mkdtempSync(join(tmpdir(), 'efsd-gitlab-')), 'job.sh')
  writeFileSync(file, script)
  const buildsDir = mkdtempSync(join(tmpdir(), 'efsd-builds-'))
  const env = {...baseEnv(), GITLAB_CI: 'true', CI_PROJECT_DIR: projectDir, CI_BUILDS_DIR: buildsDir, CI_JOB_ID: '777', ...variables}
  const r = spawnSync('bash', ['--noprofile', '--norc', file], {cwd: projectDir, env, encoding: 'utf8', timeout: 240_000})
  return {code: r.status ?? 1, log: `${r.stdout}${r.stderr}`}
}
