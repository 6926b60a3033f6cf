-- Usernames fold the final sigma (ς → σ) since the PRECIS mapping (Usernames.normalize): names stored
-- before are stored again in that form, unless another user already has it (that one stays as it was
-- and an administrator has to rename one of them).
update users set username = replace(username, 'ς', 'σ')
 where username like '%ς%'
   and not exists (select 1 from users other where other.username = replace(users.username, 'ς', 'σ'));
