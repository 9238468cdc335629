/**
 * The catalogue: every check efsdoctor runs, in report order. Add a check by importing it here.
 * docs/checks.md is generated from this list (npm run docs); a test fails when it is stale.
 */
import type {Check} from '../core/types.js'
import {containerInstancesHealthy} from './ecs/container-instances-healthy.js'

export const allChecks: Check[] = [
  containerInstancesHealthy,
]
