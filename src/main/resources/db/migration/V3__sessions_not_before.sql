-- Sessions (refresh families) a user had before this instant are over: set when the password
-- changes, the user is disabled or an administrator ends the sessions. A refresh refuses a family
-- created earlier, so a login that raced such a change cannot outlive it.
alter table users add column sessions_not_before timestamptz;
