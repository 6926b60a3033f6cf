-- Login failures per username and client address (source), and per username alone (source ''):
-- a burst from one address locks out only that address; the account as a whole is only slowed
-- down, and capped after auth.login.max-account-failures consecutive failures for addresses that
-- never logged in to it. succeeded_at marks an address that did (a known source).
alter table login_failures add column source text not null default '';
alter table login_failures add column succeeded_at timestamptz;
alter table login_failures drop constraint login_failures_pkey;
alter table login_failures add primary key (username, source);
