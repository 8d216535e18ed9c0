import { HyperdeltaError } from '../index.js'

/** Environment variables the CLI reads (flags win over them). Secrets are read only from the environment. */
export const ENV = {
  server: 'TABLEAU_SERVER',
  site: 'TABLEAU_SITE',
  patName: 'TABLEAU_PAT_NAME',
  patSecret: 'TABLEAU_PAT_SECRET',
  username: 'TABLEAU_USERNAME',
  password: 'TABLEAU_PASSWORD',
  jwt: 'TABLEAU_JWT',
} as const

export type CliAuth =
  | { personalAccessToken: { name: string; secret: string } }
  | { password: { username: string; password: string } }
  | { jwt: string }

export interface ConnectionConfig {
  server: string
  site: string
  auth: CliAuth
}

/**
 * Server, site and credentials from flags and the environment. Secrets come only from the environment
 * (never from flags, which show up in `ps` and shell history).
 */
export function connectionConfig(
  flags: { server?: string | undefined; site?: string | undefined },
  env: NodeJS.ProcessEnv,
): ConnectionConfig {
  const server = flags.server ?? env[ENV.server]
  if (!server) throw new HyperdeltaError('USAGE', `no server: pass --server or set ${ENV.server}`)
  const site = flags.site ?? env[ENV.site] ?? ''
  let auth: CliAuth
  if (env[ENV.patName] && env[ENV.patSecret]) {
    auth = { personalAccessToken: { name: env[ENV.patName]!, secret: env[ENV.patSecret]! } }
  } else if (env[ENV.username] && env[ENV.password]) {
    auth = { password: { username: env[ENV.username]!, password: env[ENV.password]! } }
  } else if (env[ENV.jwt]) {
    auth = { jwt: env[ENV.jwt]! }
  } else {
    throw new HyperdeltaError(
      'USAGE',
      `no credentials: set ${ENV.patName} + ${ENV.patSecret}, or ${ENV.username} + ${ENV.password}, or ${ENV.jwt}`,
    )
  }
  return { server, site, auth }
}
