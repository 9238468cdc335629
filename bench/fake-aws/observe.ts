/**
 * Client-side call observation for the benchmark and tests: wrap any SDK client so every `send` reports start/end
 * as the inventory's CallEvent, and compute dependent rounds the same way RoundCounter does.
 */
import type {SdkClient} from '../../src/inventory/aws-clients.js'
import type {CallEvent} from '../../src/inventory/call.js'

let seq = 1_000_000

/** `SendCommandCommand` on an SSM client → `ssm:SendCommand`. */
export function actionOf(prefix: string, command: object): string {
  return `${prefix}:${command.constructor.name.replace(/Command$/, '')}`
}

/** A client whose every send reports CallEvents (one per logical call; SDK retries stay inside it). */
export function observe(client: SdkClient, prefix: string, onCall: (e: CallEvent) => void): SdkClient {
  return {
    async send(command: object, options?: unknown) {
      const id = ++seq
      const action = actionOf(prefix, command)
      onCall({id, action, phase: 'start'})
      try {
        const out = await client.send(command, options)
        onCall({id, action, phase: 'end', ok: true})
        return out
      } catch (error) {
        onCall({id, action, phase: 'end', ok: false, code: (error as Error).name})
        throw error
      }
    },
    // NOTE: the collector reads config.region from the ECS client; keep the real config visible.
    get config() { return (client as unknown as {config: unknown}).config },
  } as SdkClient
}

/** Counts calls by action and dependent rounds (a call's depth = 1 + the deepest call that had ended when it started). */
export class CallStats {
  readonly byAction: Record<string, number> = {}
  rounds = 0
  private maxEnded = 0
  private readonly depth = new Map<number, number>()

  onCall = (e: CallEvent): void => {
    if (e.phase === 'start') {
      this.byAction[e.action] = (this.byAction[e.action] ?? 0) + 1
      const d = this.maxEnded + 1
      this.depth.set(e.id, d)
      this.rounds = Math.max(this.rounds, d)
    } else {
      this.maxEnded = Math.max(this.maxEnded, this.depth.get(e.id) ?? 0)
    }
  }

  get total(): number {
    return Object.values(this.byAction).reduce((a, b) => a + b, 0)
  }
}
