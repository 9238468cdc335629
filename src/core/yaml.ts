import {createRequire} from 'node:module'

const requireCjs = createRequire(import.meta.url)

/**
 * The yaml package, loaded on first use: only cloud-config UserData and an .efsdoctor.yml need it, so a check of
 * shell-script UserData does not pay for loading it (require(), as it is CommonJS under Node).
 */
export const yaml = (): typeof import('yaml') => requireCjs('yaml') as typeof import('yaml')
