/**
 * One CloudFormation template holding `n` independent copies of examples/templates/ecs-efs-stack.yaml: every logical
 * id gets the copy's number as a suffix (resource keys, !Ref, !GetAtt, ${…} in !Sub, DependsOn), and the names that
 * must be unique in an account (cluster, task families, the file system's Name tag) do too. Used by the lint tests
 * and `npm run bench` (the 60- and 330-stack templates of issue 10).
 */
import {readFileSync} from 'node:fs'

const STACK = readFileSync(new URL('../../examples/templates/ecs-efs-stack.yaml', import.meta.url), 'utf8')

export function manyStacks(n: number): string {
  const at = STACK.indexOf('\nResources:\n')
  const head = STACK.slice(0, at)
  const body = STACK.slice(at + '\nResources:\n'.length)
  const ids = [...body.matchAll(/^ {2}([A-Za-z0-9]+):$/gm)].map(m => m[1]).sort((a, b) => b.length - a.length)
  const alt = ids.join('|')
  const copy = (i: number): string => body
    .replace(new RegExp(`^( {2})(${alt}):$`, 'gm'), `$1$2${i}:`)
    .replace(new RegExp(`(!Ref |!GetAtt |\\$\\{)(${alt})\\b`, 'g'), `$1$2${i}`)
    .replace(/^(\s*DependsOn: )(.*)$/gm, (_, k: string, v: string) => k + v.replace(new RegExp(`\\b(${alt})\\b`, 'g'), `$1${i}`))
    .replace(/\befs-demo(-web|-reports|-shared)?\b/g, (m: string) => `${m}-${i}`)
  return `${head}\nResources:\n${Array.from({length: n}, (_, i) => copy(i + 1)).join('\n')}`
}
