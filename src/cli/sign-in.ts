import { type Logger, TableauClient } from '../index.js'
import { connectionConfig } from './config.js'
import { type CliIo, cliLogger } from './io.js'

/** The flags every signed-in command reads (SERVER_FLAGS). */
export interface SignInFlags {
  server?: string | undefined
  site?: string | undefined
  capabilities?: string | undefined
  'log-level'?: string | undefined
}

/**
 * The one sign-in of the CLI: server, site and capabilities from the flags, credentials from the environment
 * (config.ts), the logger of --log-level, and the command's environment for proxy and CA settings.
 */
export async function signInFromFlags(
  values: SignInFlags,
  io: CliIo,
): Promise<{ client: TableauClient; logger: Logger }> {
  const logger = cliLogger(values['log-level'], io)
  const config = await connectionConfig(values, io.env)
  const client = await TableauClient.signIn({ ...config, env: io.env, logger })
  return { client, logger }
}
