-- Sign-ins through OpenID Connect that have left for the identity provider and not yet come
-- back. Kept server-side, so that any n3sp process behind a balancer can finish one, and
-- single-use: the callback deletes the row before it trusts anything the browser brought.
-- The state travels through the browser, so only its digest is stored; the browser that started
-- the sign-in holds a cookie whose digest must match, so a link with someone else's state (or a
-- code from the attacker's own sign-in) cannot sign a victim in.
create table oidc_login (
  state_digest text primary key,
  browser_digest text not null,
  code_verifier text not null,
  nonce text not null,
  redirect_uri text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index oidc_login_expires_idx on oidc_login (expires_at);
