import { describe, expect, it } from 'vitest'
import { parseActions } from '../../../src/index.js'
import { fixtureNames, fixtureText, GOLDEN_BATCHES } from './golden-batches.js'

const names = fixtureNames()

describe('golden wire fixtures', () => {
  it('every fixture has a typed-builder twin and every twin a fixture', () => {
    expect(names.length).toBeGreaterThanOrEqual(15)
    expect(Object.keys(GOLDEN_BATCHES).sort()).toEqual(names)
  })

  describe.each(names)('%s', (name) => {
    const fixture = JSON.parse(fixtureText(name)) as unknown

    it('compile() of the typed batch equals the fixture, key order included', () => {
      const build = GOLDEN_BATCHES[name]
      expect(build, `no builder for ${name}`).toBeDefined()
      const wire = build!().compile()
      expect(wire).toEqual(fixture)
      expect(JSON.stringify(wire)).toBe(JSON.stringify(fixture))
    })

    it('parseActions round-trips the fixture (object and string input)', () => {
      const fromValue = parseActions(fixture)
      expect(fromValue).toEqual(fixture)
      expect(JSON.stringify(fromValue)).toBe(JSON.stringify(fixture))
      const fromText = parseActions(fixtureText(name))
      expect(JSON.stringify(fromText)).toBe(JSON.stringify(fixture))
    })

    it('parseActions(compile()) is the identity', () => {
      const wire = GOLDEN_BATCHES[name]!().compile()
      expect(JSON.stringify(parseActions(JSON.stringify(wire)))).toBe(JSON.stringify(wire))
    })
  })
})

describe('reference page examples as printed (their own key order)', () => {
  // Verbatim bodies from the REST reference and the TSC sample; JSON key order differs from ours,
  // which is irrelevant to the server, so these compare structurally.
  const printed: Record<string, string> = {
    'insert-added-users':
      '{"actions": [{"action": "insert", "source-table": "added_users", "target-table": "current_users"}]}',
    'update-row-id':
      '{"actions": [{"action": "update", "target-table": "my_data", "source-table": "uploaded_table", "condition": {"op": "eq", "target-col": "row_id", "source-col": "update_row_id"}}]}',
    'upsert-gt-row-id':
      '{"actions": [{"action": "upsert", "target-table": "my_data", "source-table": "uploaded_table", "condition": {"op": "gt", "target-col": "row_id", "source-col": "update_row_id"}}]}',
    'replace-added-users':
      '{"actions": [{"action": "replace", "source-table": "added_users", "target-table": "current_users"}]}',
    'delete-gt-deleted-id':
      '{"actions": [{"action": "delete", "target-table": "my_extract_table", "source-table": "deleted_row_id_table", "condition": {"op": "gt", "target-col": "id", "source-col": "deleted_id"}}]}',
    'delete-const-region-europe':
      '{"actions": [{"action": "delete", "target-table": "Extract", "target-schema": "Extract", "condition": {"op": "eq", "target-col": "Region", "const": {"type": "string", "v": "Europe"}}}]}',
  }

  it.each(Object.entries(printed))('%s parses and equals the golden fixture', (name, text) => {
    const parsed = parseActions(text)
    expect(parsed).toEqual(JSON.parse(fixtureText(name)))
    // parseActions returns the canonical key order, the same one compile() emits.
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(GOLDEN_BATCHES[name]!().compile()))
  })
})
