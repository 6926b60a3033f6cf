-- A next key starts signing at activate_at; a retired key leaves the JWKS at remove_at, once the
-- last token it signed has expired.
alter table signing_keys add column activate_at timestamptz;
alter table signing_keys add column remove_at timestamptz;
