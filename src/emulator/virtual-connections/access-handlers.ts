import { ApiError, resourceNotFound } from '../http/api-error.js'
import { objectAt, stringAt } from '../http/body.js'
import { pagedReply } from '../runtime/paging.js'
import type { EmulatorState, Handler } from '../runtime/state.js'
import type { GranteeType, VConnGrant, VConnRecord } from '../store/virtual-connections.js'
import { actorOf, requireAccess } from './access.js'
import { listAt, readVConnDocument } from './body.js'
import { dbConnectionElement, permissionsElement, tagsElement } from './elements.js'
import {
  ADD_PERMISSIONS_ANSWERS_ALL_GRANTS,
  DB_CONNECTION_NOT_FOUND,
  OTHER_TABLEAU_CAPABILITIES,
  VCONN_CAPABILITIES,
} from './inferred.js'
import { vconnOf } from './lifecycle.js'

/** GET …/virtualconnections/{id}/connections (paged). */
export const listVirtualConnectionConnections: Handler = async (state, ctx) => {
  const v = vconnOf(state, ctx)
  return pagedReply(ctx.query, 'virtualConnectionConnections', v.connections, (c) => dbConnectionElement(c))
}

/**
 * PUT …/virtualconnections/{id}/connections/{cid}/modify: server address, port, user name,
 * password. The password is accepted but neither stored nor echoed (the emulator connects to
 * nothing, and secrets stay out of its files and responses).
 */
export const updateVirtualConnectionConnection: Handler = async (state, ctx) => {
  const v = vconnOf(state, ctx)
  requireAccess(state, actorOf(state, ctx), { role: 'Creator', code: '403004' })
  const doc = objectAt(await readVConnDocument(ctx.req), 'connection')
  if (!doc) throw new ApiError(400, '400000', 'Bad Request', 'The request has no connection element.')
  const id = ctx.params['connection']!.toLowerCase()
  const c = v.connections.find((x) => x.id.toLowerCase() === id)
  if (!c) {
    const { status, code, summary } = DB_CONNECTION_NOT_FOUND
    throw new ApiError(status, code, summary, `The database connection '${id}' is not part of '${v.id}'.`)
  }
  const port = stringAt(doc, 'serverPort')
  if (port !== undefined && port !== '' && !/^\d{1,5}$/.test(port))
    throw new ApiError(400, '400000', 'Bad Request', `serverPort must be a port number, got '${port}'.`)
  c.serverAddress = stringAt(doc, 'serverAddress') ?? c.serverAddress
  c.serverPort = port ?? c.serverPort
  c.userName = stringAt(doc, 'userName') ?? c.userName
  await state.vconns.save()
  return {
    status: 200,
    body: [{ tag: 'virtualConnectionConnections', children: [dbConnectionElement(c, false)] }],
  }
}

/** PUT …/tags: adds labels (existing ones are kept once); answers every tag. */
export const addVirtualConnectionTags: Handler = async (state, ctx) => {
  const v = vconnOf(
    state,
    ctx,
    (id) =>
      new ApiError(404, '404006', 'Virtual connection not found', `The virtual connection '${id}' could not be found.`),
  )
  requireAccess(state, actorOf(state, ctx), { role: 'Explorer', capability: 'Read', v, code: '403004' })
  const tags = objectAt(await readVConnDocument(ctx.req), 'tags')
  const labels = listAt(tags, 'tag').map((t) => stringAt(t, 'label'))
  if (!tags || labels.length === 0 || labels.some((l) => l === undefined || l.trim() === ''))
    throw new ApiError(400, '400000', 'Bad Request', 'The request needs <tags> with at least one <tag label="…"/>.')
  for (const label of labels as string[]) if (!v.tags.includes(label)) v.tags.push(label)
  await state.vconns.save()
  return { status: 200, body: [tagsElement(v.tags)] }
}

/** DELETE …/tags/{name} → 204; 404007 when the tag is not on the virtual connection. */
export const deleteVirtualConnectionTag: Handler = async (state, ctx) => {
  const v = vconnOf(
    state,
    ctx,
    (id) =>
      new ApiError(404, '404004', 'Virtual connection not found', `The virtual connection '${id}' could not be found.`),
  )
  requireAccess(state, actorOf(state, ctx), { role: 'Explorer', capability: 'Read', v, code: '403004' })
  ctx.req.resume()
  const tag = ctx.params['tag']!
  if (!v.tags.includes(tag))
    throw new ApiError(404, '404007', 'Tag not found', `The tag '${tag}' is not on virtual connection '${v.id}'.`)
  v.tags = v.tags.filter((t) => t !== tag)
  await state.vconns.save()
  return { status: 204 }
}

const invalidLuid = (id: string): ApiError =>
  new ApiError(400, '409004', 'Invalid LUID', `The virtual connection LUID '${id}' was not found.`)

/** A capability name and mode, canonical case; 400009 / 404014 as documented. */
function capabilityOf(
  name: string | undefined,
  mode: string | undefined,
): { capability: string; mode: 'Allow' | 'Deny' } {
  const canonical = VCONN_CAPABILITIES.find((c) => c.toLowerCase() === name?.toLowerCase())
  if (!canonical) {
    if (OTHER_TABLEAU_CAPABILITIES.some((c) => c.toLowerCase() === name?.toLowerCase()))
      throw new ApiError(
        400,
        '400009',
        'Invalid capability',
        `'${name}' is not valid for a virtual connection; valid: ${VCONN_CAPABILITIES.join(', ')}.`,
      )
    throw new ApiError(404, '404014', 'Capability not found', `The capability '${name ?? ''}' is not defined.`)
  }
  const m = mode?.toLowerCase()
  if (m !== 'allow' && m !== 'deny')
    throw new ApiError(
      404,
      '404014',
      'Capability not found',
      `The capability mode '${mode ?? ''}' is not Allow or Deny.`,
    )
  return { capability: canonical, mode: m === 'allow' ? 'Allow' : 'Deny' }
}

/** Checks a grantee exists (404002 user, 404012 group). */
function checkGrantee(state: EmulatorState, v: VConnRecord, type: GranteeType, id: string): string {
  const lower = id.toLowerCase()
  if (type === 'user' && !state.catalog.data.users.some((u) => u.id === lower))
    throw new ApiError(404, '404002', 'User not found', `The user '${id}' could not be found.`)
  if (type === 'group' && !state.vconns.group(v.siteId, lower))
    throw new ApiError(404, '404012', 'Group not found', `The group '${id}' could not be found.`)
  return lower
}

/** PUT …/permissions: adds grants (already granted or denied ones are ignored); answers all grants. */
export const addVirtualConnectionPermissions: Handler = async (state, ctx) => {
  const v = vconnOf(state, ctx, invalidLuid)
  requireAccess(state, actorOf(state, ctx), { role: 'Viewer', capability: 'ChangePermissions', v, code: '403004' })
  const perms = objectAt(await readVConnDocument(ctx.req), 'permissions')
  const sets = listAt(perms, 'granteeCapabilities')
  if (sets.length === 0) throw new ApiError(400, '400000', 'Bad Request', 'The request has no granteeCapabilities.')
  const added: VConnGrant[] = []
  for (const set of sets) {
    const user = stringAt(objectAt(set, 'user'), 'id')
    const group = stringAt(objectAt(set, 'group'), 'id')
    if ((user === undefined) === (group === undefined))
      throw new ApiError(400, '400000', 'Bad Request', 'Each granteeCapabilities names exactly one user or group.')
    const granteeType: GranteeType = user !== undefined ? 'user' : 'group'
    const granteeId = checkGrantee(state, v, granteeType, (user ?? group)!)
    const caps = listAt(objectAt(set, 'capabilities'), 'capability')
    if (caps.length === 0) throw new ApiError(400, '400000', 'Bad Request', 'A granteeCapabilities has no capability.')
    for (const c of caps)
      added.push({ granteeType, granteeId, ...capabilityOf(stringAt(c, 'name'), stringAt(c, 'mode')) })
  }
  // All checks passed: apply together, so a bad set changes nothing.
  for (const g of added) {
    const same = (o: VConnGrant): boolean =>
      o.granteeType === g.granteeType && o.granteeId === g.granteeId && o.capability === g.capability
    if (!v.grants.some(same)) v.grants.push(g)
  }
  await state.vconns.save()
  return { status: 200, body: [permissionsElement(v, ADD_PERMISSIONS_ANSWERS_ALL_GRANTS ? v.grants : added)] }
}

/** GET …/permissions. */
export const listVirtualConnectionPermissions: Handler = async (state, ctx) => {
  const v = vconnOf(
    state,
    ctx,
    (id) =>
      new ApiError(404, '404004', 'Virtual Connection not found', `The virtual connection '${id}' could not be found.`),
  )
  return { status: 200, body: [permissionsElement(v)] }
}

/** DELETE …/permissions/{users|groups}/{id}/{capability}/{mode} → 204. */
export const deleteVirtualConnectionPermission: Handler = async (state, ctx) => {
  const v = vconnOf(state, ctx, invalidLuid)
  requireAccess(state, actorOf(state, ctx), { role: 'Viewer', capability: 'ChangePermissions', v, code: '403004' })
  ctx.req.resume()
  const grantees = ctx.params['grantees']!.toLowerCase()
  if (grantees !== 'users' && grantees !== 'groups') throw resourceNotFound(`…/permissions/${grantees}`)
  const granteeType: GranteeType = grantees === 'users' ? 'user' : 'group'
  const granteeId = checkGrantee(state, v, granteeType, ctx.params['grantee']!)
  const { capability, mode } = capabilityOf(ctx.params['capability'], ctx.params['mode'])
  const index = v.grants.findIndex(
    (g) => g.granteeType === granteeType && g.granteeId === granteeId && g.capability === capability && g.mode === mode,
  )
  if (index < 0)
    throw new ApiError(
      404,
      '404013',
      'Capability not assigned',
      `${capability}:${mode} is not assigned to ${granteeType} '${granteeId}'.`,
    )
  v.grants.splice(index, 1)
  await state.vconns.save()
  return { status: 204 }
}
