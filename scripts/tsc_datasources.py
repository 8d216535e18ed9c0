"""Tableau's Python client against the emulator, one line per Data Sources method (run by scripts/tsc-datasources.ts)."""
import os
import sys
import tempfile

import tableauserverclient as TSC

url, small, more, big = sys.argv[1:5]
server = TSC.Server(url, use_server_version=False)
server.version = "3.24"
failures = 0


def check(label, fn):
    global failures
    try:
        print(f"ok   {label}: {fn()}")
    except Exception as e:  # noqa: BLE001 - report every method
        failures += 1
        print(f"FAIL {label}: {type(e).__name__}: {e}")


with server.auth.sign_in(TSC.TableauAuth("admin", "pw")):
    item = TSC.DatasourceItem(project_id=None, name="TscSales")
    ds = server.datasources.publish(item, small, "CreateNew")
    print(f"ok   publish CreateNew: id={ds.id} name={ds.name}")
    check("publish Overwrite", lambda: server.datasources.publish(TSC.DatasourceItem(None, "TscSales"), small, "Overwrite").id == ds.id)
    check("publish Append", lambda: server.datasources.publish(TSC.DatasourceItem(None, "TscSales"), more, "Append").name)
    check(f"publish chunked ({os.path.getsize(big)} bytes, upload session)", lambda: server.datasources.publish(TSC.DatasourceItem(None, "TscBig"), big, "CreateNew").name)
    check("publish as_job", lambda: server.jobs.wait_for_job(server.datasources.publish(TSC.DatasourceItem(None, "TscAsync"), small, "CreateNew", as_job=True)).finish_code)
    check("get (all)", lambda: sorted(d.name for d in TSC.Pager(server.datasources)))
    opts = TSC.RequestOptions()
    opts.filter.add(TSC.Filter(TSC.RequestOptions.Field.Name, TSC.RequestOptions.Operator.Equals, "TscSales"))
    opts.sort.add(TSC.Sort(TSC.RequestOptions.Field.Name, TSC.RequestOptions.Direction.Desc))
    check("get (filter name eq, sort)", lambda: [d.name for d in server.datasources.get(opts)[0]])
    check("filter() queryset", lambda: [d.name for d in server.datasources.filter(name="TscBig")])
    check("get_by_id", lambda: (lambda d: (d.name, d.project_name, d.owner_id is not None))(server.datasources.get_by_id(ds.id)))

    def conns():
        server.datasources.populate_connections(ds)
        return [(c.id, c.connection_type) for c in ds.connections]
    check("populate_connections", conns)

    def update():
        d = server.datasources.get_by_id(ds.id)
        d.certified = True
        d.certification_note = "checked"
        d.description = "from TSC"
        u = server.datasources.update(d)
        again = server.datasources.get_by_id(ds.id)
        return (u.certified, again.certification_note, again.description)
    check("update", update)

    def update_connection():
        server.datasources.populate_connections(ds)
        c = ds.connections[0]
        c.server_address = "db.example.com"
        c.server_port = "5432"
        c.username = "etl"
        c.password = "secret"
        c.embed_password = True
        u = server.datasources.update_connection(ds, c)
        return (u.server_address, u.server_port, u.username)
    check("update_connection", update_connection)

    def tags():
        added = server.datasources.add_tags(ds, ["nightly", "gdp"])
        server.datasources.delete_tags(ds, "gdp")
        return (sorted(added), sorted(server.datasources.get_by_id(ds.id).tags))
    check("add_tags / delete_tags", tags)

    def update_tags():
        d = server.datasources.get_by_id(ds.id)
        d.tags = {"nightly", "audited"}
        server.datasources.update(d)
        return sorted(server.datasources.get_by_id(ds.id).tags)
    check("update (tags via update_tags)", update_tags)

    check("refresh", lambda: (lambda j: (j.type, server.jobs.wait_for_job(j).finish_code))(server.datasources.refresh(ds)))

    with tempfile.TemporaryDirectory() as tmp:
        check("download", lambda: os.path.basename(server.datasources.download(ds.id, filepath=tmp)))
        check("download include_extract=False", lambda: os.path.getsize(server.datasources.download(ds.id, filepath=os.path.join(tmp, "x"), include_extract=False)) > 0)

        def revisions():
            server.datasources.populate_revisions(ds)
            return [(r.revision_number, r.current, r.deleted) for r in ds.revisions]
        check("populate_revisions", revisions)
        check("download_revision 1", lambda: open(server.datasources.download_revision(ds.id, "1", filepath=os.path.join(tmp, "r1")), "rb").read() == open(small, "rb").read())
        check("delete_revision 1", lambda: server.datasources.delete_revision(ds.id, "1"))
        check("revisions after delete", revisions)

    check("delete", lambda: server.datasources.delete(server.datasources.filter(name="TscAsync")[0].id))
    check("get after delete", lambda: sorted(d.name for d in TSC.Pager(server.datasources)))

print("failures:", failures)
sys.exit(1 if failures else 0)
