"""
By hand: Tableau's Python client (tableauserverclient) against the emulator, every virtual-connection call it
implements. Not part of `npm test` (CI may lack Python or the client).

    npx tsx test/manual/serve-emulator.ts &                    # prints the URL (port 8791)
    TSC_PATH=/path/to/server-client-python python3 test/manual/tsc-virtual-connections.py http://127.0.0.1:8791
"""
import json
import os
import sys

if os.environ.get('TSC_PATH'):
    sys.path.insert(0, os.environ['TSC_PATH'])
import tableauserverclient as TSC
from tableauserverclient.models.permissions_item import PermissionsRule, Permission
from tableauserverclient.models.reference_item import ResourceReference
url = sys.argv[1]
server = TSC.Server(url, use_server_version=False)
server.version = '3.24'
server.auth.sign_in(TSC.TableauAuth('admin', 'pw', site_id=''))
projects, _ = server.projects.get()
users, _ = server.users.get()
groups, _ = server.groups.get()
print('projects', [p.name for p in projects], 'users', [u.name for u in users], 'groups', [g.name for g in groups])
proj = projects[0]
admin = [u for u in users if u.name == 'admin'][0]
bob = [u for u in users if u.name == 'bob'][0]
analysts = [g for g in groups if g.name == 'Analysts'][0]
content = json.dumps({"connections": [{"id": "c0ffee00-0000-4000-8000-000000000001", "dbClass": "postgres", "server": "db.dev", "port": "5432", "username": "etl"}], "policyCollection": {"policies": []}, "note": "quotes \" and <tags> & \\u00e9"})
item = TSC.VirtualConnectionItem('Batters')
item.project_id = proj.id
item.owner_id = admin.id
pub = server.virtual_connections.publish(item, content, mode='CreateNew', publish_as_draft=False)
print('publish CreateNew ->', pub.id, pub.name, pub.project_id)
vcs, pag = server.virtual_connections.get()
print('get ->', [(v.name, v.is_certified, v.has_extracts) for v in vcs], 'total', pag.total_available)
print('Pager ->', [v.name for v in TSC.Pager(server.virtual_connections)])
got = server.virtual_connections.get_by_id(pub.id)
print('get_by_id ->', got.name, got.project_id, got.owner_id, 'content equal:', got.content == json.loads(content))
print('get_by_id id attribute (the page shows none) ->', got.id)
got = pub
print('download ->', server.virtual_connections.download(pub.id)[:60], '...')
try:
    server.virtual_connections.publish(item, content, mode='CreateNew', publish_as_draft=False)
except TSC.ServerResponseError as e:
    print('publish CreateNew again ->', e.code, e.summary)
content2 = content.replace('db.dev', 'db2.dev')
pub2 = server.virtual_connections.publish(item, content2, mode='Overwrite', publish_as_draft=False)
print('publish Overwrite ->', pub2.id == pub.id)
revs, rp = server.virtual_connections.get_revisions(got)
print('get_revisions ->', [(r.revision_number, r.current, r.deleted, r.user_name) for r in revs], rp.total_available)
old = server.virtual_connections.download_revision(got, 1)
print('download_revision 1 -> has db.dev:', 'db.dev' in old)
try:
    server.virtual_connections.download_revision(got, 2)
except TSC.ServerResponseError as e:
    print('download_revision current ->', e.code)
server.virtual_connections.populate_connections(got)
conns = list(got.connections)
print('populate_connections ->', [(c.id, c.connection_type, c.server_address, c.server_port, c.username) for c in conns])
c = conns[0]
c.server_address = 'db.prod'; c.server_port = '6543'; c.username = 'svc'; c.password = 'hunter2'
upd = server.virtual_connections.update_connection_db_connection(got, c)
print('update_connection_db_connection ->', upd.server_address, upd.server_port, upd.username)
got.name = 'Batters v2'; got.is_certified = True; got.certification_note = 'Approved by Marketing'
u2 = server.virtual_connections.update(got)
print('update ->', u2.name, u2.is_certified, u2.certification_note, u2.project_id, u2.owner_id)
tags = server.virtual_connections.add_tags(got, ['Office', 'finance'])
print('add_tags ->', sorted(tags))
server.virtual_connections.delete_tags(got, 'Office')
print('delete_tags -> ok')
rules = [PermissionsRule(ResourceReference(bob.id, 'user'), {Permission.Capability.Read: Permission.Mode.Allow, Permission.Capability.Connect: Permission.Mode.Allow}),
         PermissionsRule(ResourceReference(analysts.id, 'group'), {Permission.Capability.Delete: Permission.Mode.Deny})]
added = server.virtual_connections.add_permissions(got, rules)
print('add_permissions ->', [(r.grantee.tag_name, r.capabilities) for r in added])
server.virtual_connections.populate_permissions(got)
print('populate_permissions ->', [(r.grantee.tag_name, r.capabilities) for r in got.permissions])
server.virtual_connections.delete_permission(got, PermissionsRule(ResourceReference(bob.id, 'user'), {Permission.Capability.Read: Permission.Mode.Allow}))
server.virtual_connections.populate_permissions(got)
print('after delete_permission ->', [(r.grantee.tag_name, r.capabilities) for r in got.permissions])
try:
    server.virtual_connections.add_permissions(got, [PermissionsRule(ResourceReference(bob.id, 'user'), {'Write': 'Allow'})])
except TSC.ServerResponseError as e:
    print('add_permissions Write ->', e.code, e.summary)
server.virtual_connections.delete(got)
try:
    server.virtual_connections.get_by_id(got.id)
except TSC.ServerResponseError as e:
    print('delete then get_by_id ->', e.code)
server.auth.sign_out()
