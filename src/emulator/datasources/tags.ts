import { ApiError, badRequest } from '../http/api-error.js'
import { listAt, objectAt, readRequestDocument, stringAt } from '../http/body.js'
import { tagsElement } from '../runtime/entities.js'
import type { Handler } from '../runtime/state.js'
import { datasourceOf } from './query.js'

/** PUT …/datasources/{id}/tags: adds the labels (already present ones are kept once); 200 + every tag. */
export const addTags: Handler = async (state, ctx) => {
  const ds = datasourceOf(state, ctx)
  const doc = await readRequestDocument(ctx.req)
  if (!('tags' in doc)) throw badRequest('The request body has no tags element.')
  const labels = listAt(objectAt(doc, 'tags') ?? {}, 'tag').map((t) => stringAt(t as Record<string, unknown>, 'label'))
  if (labels.some((l) => l === undefined || l.trim() === '')) {
    throw new ApiError(400, '400075', 'Error adding tags', 'Every tag needs a non-blank label.')
  }
  ds.tags ??= []
  const tags = ds.tags
  for (const label of labels as string[]) if (!tags.includes(label)) tags.push(label)
  await state.catalog.save()
  return { status: 200, body: [tagsElement(tags)] }
}

/** DELETE …/datasources/{id}/tags/{tag}: 204, or 404007 when the data source lacks the tag. */
export const deleteTag: Handler = async (state, ctx) => {
  ctx.req.resume()
  const ds = datasourceOf(state, ctx)
  const tag = ctx.params['tag']!
  if (!ds.tags?.includes(tag)) {
    throw new ApiError(404, '404007', 'Tag not found', `The data source has no tag '${tag}'.`)
  }
  ds.tags = ds.tags.filter((t) => t !== tag)
  await state.catalog.save()
  return { status: 204 }
}
