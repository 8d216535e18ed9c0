import { badRequest } from '../http/api-error.js'
import { listAt, objectAt, readRequestDocument } from '../http/body.js'
import { collection, textEl } from '../http/document.js'
import type { Handler } from '../runtime/state.js'
import { datasourceOf } from './query.js'

const DESTINATION = ['destinationSiteUrlNamespace', 'destinationSiteLuid', 'destinationServerUrl'] as const

/** POST …/retrieveKeychain: the three destination fields are required (400000). See KEYCHAIN_FORMAT. */
export const retrieveKeychain: Handler = async (state, ctx) => {
  const ds = datasourceOf(state, ctx)
  const doc = await readRequestDocument(ctx.req)
  const missing = DESTINATION.filter((k) => typeof doc[k] !== 'string' || doc[k] === '')
  if (missing.length > 0) throw badRequest(`The request body lacks ${missing.join(', ')}.`)
  const keychains = ds.keychains ?? [
    Buffer.from(
      JSON.stringify({
        datasource: ds.id,
        connections: ds.connectionIds.map((id) => ({ id, userName: ds.connections?.[id]?.userName ?? '' })),
      }),
    ).toString('base64'),
  ]
  return {
    status: 200,
    body: [
      collection('associatedUserLuidList', []),
      collection(
        'encryptedKeychainList',
        keychains.map((k) => textEl('encryptedKeychain', k)),
      ),
    ],
  }
}

/** PUT …/applykeychain: stores the keychains (and user mapping) on the data source; 200, no body. */
export const applyKeychain: Handler = async (state, ctx) => {
  const ds = datasourceOf(state, ctx)
  const doc = await readRequestDocument(ctx.req)
  const list = objectAt(doc, 'encryptedKeychainList')
  const keychains = listAt(list, 'encryptedKeychain')
  if (!list || keychains.length === 0 || keychains.some((k) => typeof k !== 'string' || k === '')) {
    throw badRequest('The request body needs encryptedKeychainList with at least one encryptedKeychain.')
  }
  if (!('associatedUserLuidMapping' in doc)) throw badRequest('The request body lacks associatedUserLuidMapping.')
  ds.keychains = keychains as string[]
  ds.keychainUserMapping = doc['associatedUserLuidMapping']
  await state.catalog.save()
  return { status: 200 }
}
