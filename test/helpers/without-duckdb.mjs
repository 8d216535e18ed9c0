// node --import ./test/helpers/without-duckdb.mjs …: `@duckdb/node-api` cannot be resolved, as on a
// machine where the optional peer dependency was never installed.
import { register } from 'node:module'

const hooks = `export async function resolve(specifier, context, next) {
  if (specifier === '@duckdb/node-api' || specifier.startsWith('@duckdb/')) {
    const error = new Error("Cannot find package '" + specifier + "' imported from " + context.parentURL)
    error.code = 'ERR_MODULE_NOT_FOUND'
    throw error
  }
  return next(specifier, context)
}`
register(`data:text/javascript,${encodeURIComponent(hooks)}`)
