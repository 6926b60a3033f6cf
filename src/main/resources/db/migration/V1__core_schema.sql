-- Users. Usernames are stored normalized (NFKC, lower case), so the plain unique index is
-- case-insensitive uniqueness.
create table users (
    id            uuid primary key,
    username      text        not null,
    email         text,
    password_hash text        not null,
    roles         varchar(64)[] not null default '{user}',
    enabled       boolean     not null default true,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    constraint users_username_key unique (username)
);

-- A refresh-token family is one login session: every refresh spends its token and adds the next.
create table refresh_families (
    id             uuid primary key,
    user_id        uuid        not null references users (id) on delete cascade,
    client_id      text        not null,
    scope          text        not null,
    created_at     timestamptz not null default now(),
    expires_at     timestamptz not null, -- absolute lifetime
    revoked_at     timestamptz,
    revoked_reason text
);
create index refresh_families_user_idx on refresh_families (user_id) where revoked_at is null;

-- Only a SHA-256 hash of each refresh token is kept.
create table refresh_tokens (
    token_hash bytea primary key,
    family_id  uuid        not null references refresh_families (id) on delete cascade,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null, -- idle lifetime, capped by the family's absolute one
    spent_at   timestamptz
);
create index refresh_tokens_family_idx on refresh_tokens (family_id);

-- Signing keys. Several can exist at once (next, active, retired); exactly one is active.
-- The private key is PKCS#8, sealed with AES-256-GCM under the key-encryption key named by kek_id.
create table signing_keys (
    kid          text primary key,
    algorithm    text        not null,
    state        text        not null check (state in ('next', 'active', 'retired')),
    public_jwk   text        not null,
    private_key  bytea       not null,
    kek_id       text        not null,
    created_at   timestamptz not null default now(),
    activated_at timestamptz,
    retired_at   timestamptz
);
create unique index signing_keys_one_active on signing_keys (state) where state = 'active';

-- Failed logins per normalized username, known or not, so throttling does not reveal which
-- accounts exist.
create table login_failures (
    username     text primary key,
    failures     integer     not null,
    locked_until timestamptz,
    updated_at   timestamptz not null default now()
);
