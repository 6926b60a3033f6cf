-- Introspection by permission: a client calls /oauth2/introspect only when registered for it.
-- Confidential clients registered before this could all introspect, so they keep that on upgrade;
-- a client registered from now on may not unless its metadata say introspection_allowed.
alter table clients add column introspection_allowed boolean not null default false;
update clients set introspection_allowed = true where token_endpoint_auth_method <> 'none';
