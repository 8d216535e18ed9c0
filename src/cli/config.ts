import { readFile } from 'node:fs/promises'
import { type Capabilities, HyperdeltaError, readCapabilities } from '../index.js'

/**
 * Environment variables the CLI reads (flags win over them). Secrets are read only from the environment,
 * or from a file named by `<NAME>_FILE` (the Docker / Kubernetes secrets convention).
 */
export const ENV = {
  server: 'TABLEAU_SERVER',
  site: 'TABLEAU_SITE',
  patName: 'TABLEAU_PAT_NAME',
  patSecret: 'TABLEAU_PAT_SECRET',
  username: 'TABLEAU_USERNAME',
  password: 'TABLEAU_PASSWORD',
  jwt: 'TABLEAU_JWT',
  uat: 'TABLEAU_UAT',
} as const

export type CliAuth =
  | { personalAccessToken: { name: string; secret: string } }
  | { password: { username: string; password: string } }
  | { jwt: string }
  | { uat: string }

export interface ConnectionConfig {
  server: string
  site: string
  auth: CliAuth
  /** From `--capabilities <file>` (what `hyperdelta probe` wrote). */
  capabilities?: Capabilities
}

/**
 * A secret from `NAME` or from the file `NAME_FILE` names (one trailing newline dropped, as `echo` and
 * editors add it). Setting both is refused: which one wins would be a guess. The secret never appears
 * in a message; the file's path does.
 */
export async function secretFromEnv(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const fileVar = `${name}_FILE`
  const path = env[fileVar]
  if (!path) return env[name] || undefined
  if (env[name]) throw new HyperdeltaError('USAGE', `both ${name} and ${fileVar} are set: set only one`)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
    throw new HyperdeltaError('INPUT_UNREADABLE', `${fileVar}=${path}: cannot read: ${why}`, {
      details: { variable: fileVar, file: path },
    })
  }
  const secret = text.replace(/\r?\n$/, '')
  if (secret === '') throw new HyperdeltaError('INPUT_INVALID', `${fileVar}=${path}: the file is empty`)
  return secret
}

/**
 * Server, site and credentials from flags and the environment. Secrets come only from the environment
 * (never from flags, which show up in `ps` and shell history).
 */
export async function connectionConfig(
  flags: { server?: string | undefined; site?: string | undefined; capabilities?: string | undefined },
  env: NodeJS.ProcessEnv,
): Promise<ConnectionConfig> {
  const server = flags.server ?? env[ENV.server]
  if (!server) throw new HyperdeltaError('USAGE', `no server: pass --server or set ${ENV.server}`)
  const site = flags.site ?? env[ENV.site] ?? ''
  const patSecret = await secretFromEnv(ENV.patSecret, env)
  const password = await secretFromEnv(ENV.password, env)
  const jwt = await secretFromEnv(ENV.jwt, env)
  const uat = await secretFromEnv(ENV.uat, env)
  if (jwt && uat) throw new HyperdeltaError('USAGE', `both ${ENV.jwt} and ${ENV.uat} are set: set only one`)
  let auth: CliAuth
  if (env[ENV.patName] && patSecret) {
    auth = { personalAccessToken: { name: env[ENV.patName]!, secret: patSecret } }
  } else if (env[ENV.username] && password) {
    auth = { password: { username: env[ENV.username]!, password } }
  } else if (jwt) {
    auth = { jwt }
  } else if (uat) {
    auth = { uat }
  } else {
    throw new HyperdeltaError(
      'USAGE',
      `no credentials: set ${ENV.patName} + ${ENV.patSecret}, or ${ENV.username} + ${ENV.password}, or ${ENV.jwt} (each secret also as <NAME>_FILE)`,
    )
  }
  const capabilities = flags.capabilities === undefined ? undefined : await readCapabilities(flags.capabilities)
  return { server, site, auth, ...(capabilities && { capabilities }) }
}
