#!/bin/bash
# A tenant database as the operations guide describes it: tenant tables under row-level security,
# owned by the application's role, which is also the role the worker backs up with.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username postgres <<SQL
CREATE ROLE shoehorn LOGIN PASSWORD '${SHOEHORN_DB_PASSWORD}';
CREATE DATABASE shoehorn OWNER shoehorn;
CREATE DATABASE shoehorn_restore OWNER shoehorn;
SQL
psql -v ON_ERROR_STOP=1 --username shoehorn --dbname shoehorn <<'SQL'
CREATE TABLE tenants (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);
CREATE TABLE documents (
  id bigserial PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  title text NOT NULL,
  body jsonb NOT NULL
);
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON documents
  USING (tenant_id = current_setting('app.tenant_id', true)::uuid);
INSERT INTO tenants (name) SELECT 'tenant ' || i FROM generate_series(1, 20) i;
INSERT INTO documents (tenant_id, title, body)
  SELECT t.id, 'document ' || g, jsonb_build_object('n', g, 'words', repeat('lorem ipsum ', g % 40))
  FROM tenants t, generate_series(1, 500) g;
SQL
