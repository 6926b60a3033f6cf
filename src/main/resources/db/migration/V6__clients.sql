-- Machine and browser clients registered by an administrator (RFC 7591 metadata names). The
-- configured first-party client (auth.public-client-id) is not stored. Only SHA-256 hashes of
-- client secrets are kept: the secret is 256 random bits from the server, so a fast hash is enough
-- (no dictionary to guess from); the previous secret keeps working until previous_secret_expires_at.
create table clients (
    client_id                  text primary key,
    client_name                text        not null,
    grant_types                text[]      not null,
    token_endpoint_auth_method text        not null,
    scope                      text        not null,
    audience                   text[]      not null,
    jwks                       text,
    allowed_cors_origins       text[]      not null default '{}',
    refresh_token_mode         text        not null default 'body',
    access_token_lifespan      integer,
    secret_hash                bytea,
    previous_secret_hash       bytea,
    previous_secret_expires_at timestamptz,
    created_at                 timestamptz not null default now(),
    updated_at                 timestamptz not null default now()
);

-- The jti of every private_key_jwt client assertion accepted, until it expires: each one is
-- accepted once, on any replica (RFC 7523 §3).
create table client_assertions (
    client_id  text        not null,
    jti        text        not null,
    expires_at timestamptz not null,
    primary key (client_id, jti)
);

-- Refresh families of a client, for ending them when the client is deleted.
create index refresh_families_client_idx on refresh_families (client_id) where revoked_at is null;
