-- nodesec hub store, schema 1. Forward-only: never edit a migration that has shipped; add
-- 0002_*.sql instead. Runs in one transaction under the migration advisory lock.

-- Published vulnerabilities: one row per vulnerability, `record` is the served (merged) OSV
-- record, or null when the vulnerability has a single source record, served verbatim from
-- vuln_sources. Lookups go through vuln_ids (every id and alias) and vuln_affected (packages).
create table vulns (
  key        bigint generated always as identity primary key,
  id         text collate "C" not null,
  record     jsonb,
  modified   timestamptz not null,
  withdrawn  boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint vulns_id_unique unique (id)
);

-- Every identifier (served id, source ids, aliases) answering for a vulnerability. Grows
-- only: an id once answering for a vulnerability keeps answering (merges are never undone).
-- Ids are compared bytewise (collate "C"): exact, fast, and `like 'PREFIX-%'` uses the index.
create table vuln_ids (
  id       text collate "C" primary key,
  vuln_key bigint not null references vulns (key) on delete cascade
);
create index vuln_ids_vuln_key on vuln_ids (vuln_key);

-- Source records, verbatim, by their own id. `ord` (ingest order) picks the primary source.
create table vuln_sources (
  id        text collate "C" primary key,
  vuln_key  bigint not null references vulns (key),
  ord       bigint generated always as identity,
  record    jsonb not null,
  modified  timestamptz not null,
  hash      text not null,
  source    text,
  withdrawn boolean not null default false
);
create index vuln_sources_vuln_key on vuln_sources (vuln_key);

-- Packages named in the served record's `affected` (ecosystem lower-cased; purl without version).
create table vuln_affected (
  vuln_key  bigint not null references vulns (key) on delete cascade,
  ecosystem text not null,
  name      text not null,
  purl      text,
  primary key (ecosystem, name, vuln_key)
);
create index vuln_affected_vuln_key on vuln_affected (vuln_key);
create index vuln_affected_purl on vuln_affected (purl) where purl is not null;

-- Change feed: one row per change to a served record, seq assigned in commit order (writers
-- hold the feed advisory lock). `vuln_key` has no foreign key: merged-away rows are deleted.
create table changes (
  seq      bigint generated always as identity primary key,
  kind     text not null check (kind in ('insert', 'update', 'withdraw', 'merge')),
  vuln_key bigint not null,
  id       text not null,
  into_id  text,
  modified timestamptz not null,
  at       timestamptz not null default now()
);
create index changes_vuln_key on changes (vuln_key);

-- Accounts.
create table users (
  id         integer generated always as identity primary key,
  name       text not null,
  roles      text[] not null,
  email      text,
  disabled   boolean not null default false,
  created_at timestamptz not null default now(),
  constraint users_roles_known check (roles <@ array['admin', 'triager', 'maintainer', 'contributor']::text[])
);
create unique index users_name_lower on users (lower(name));

create table maintained_packages (
  user_id   integer not null references users (id) on delete cascade,
  ecosystem text not null,
  name      text not null,
  primary key (user_id, ecosystem, name)
);
create index maintained_packages_pkg on maintained_packages (ecosystem, name);

-- API tokens: only the sha256 of the secret is stored.
create table tokens (
  id           text primary key,
  user_id      integer not null references users (id),
  hash         text not null unique,
  label        text,
  scopes       text[] not null,
  created_at   timestamptz not null default now(),
  expires_at   timestamptz,
  last_used_at timestamptz,
  revoked_at   timestamptz,
  constraint tokens_scopes_known check (scopes <@ array['read', 'submit', 'review', 'admin']::text[])
);
create index tokens_user on tokens (user_id);

-- Hub id counters, one per prefix; only ever increase.
create table id_counters (
  prefix text primary key,
  last   bigint not null
);

-- Submissions and their reviews. `round` increases whenever the content changes or changes
-- are requested; only approvals of the current round count.
create table submissions (
  id               integer generated always as identity primary key,
  status           text not null check (status in ('draft', 'in-review', 'published', 'rejected')),
  submitter_id     integer references users (id),
  submitter_name   text not null,
  records          jsonb not null,
  embargo_until    timestamptz,
  note             text,
  round            integer not null default 1,
  published_ids    text[] not null default '{}',
  rejection_reason text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
create index submissions_submitter on submissions (submitter_id);
create index submissions_status on submissions (status, id);

create table submission_packages (
  submission_id integer not null references submissions (id) on delete cascade,
  ecosystem     text not null,
  name          text not null,
  primary key (submission_id, ecosystem, name)
);
create index submission_packages_pkg on submission_packages (ecosystem, name);

create table reviews (
  id            integer generated always as identity primary key,
  submission_id integer not null references submissions (id),
  round         integer not null,
  reviewer_id   integer references users (id),
  reviewer_name text not null,
  decision      text not null check (decision in ('approve', 'request-changes')),
  comment       text,
  at            timestamptz not null default now()
);
create index reviews_submission on reviews (submission_id, id);

-- Audit log: append-only, enforced here (not only by the code).
create table audit_log (
  id         bigint generated always as identity primary key,
  at         timestamptz not null default now(),
  actor_id   integer,
  actor_name text not null,
  action     text not null,
  target     text not null,
  diff       jsonb
);
create index audit_log_target on audit_log (target, id);
create index audit_log_actor on audit_log (actor_id, id);

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end
$$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_append_only();
