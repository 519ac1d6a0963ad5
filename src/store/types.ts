/**
 * The hub's store: one interface, two backends (embedded PGlite, PostgreSQL), one schema.
 *
 * Repositories are written once in PostgreSQL SQL against the minimal `Driver` below; only the
 * driver differs between backends (store/backends/*). Open one with `openStore()` from
 * store/index.ts; never import a backend directly.
 *
 * Invariants every backend keeps (the contract suite, test/contract/store.ts, checks them):
 * - Public advisory tables hold PUBLISHED data only. Drafts and embargoed records live in
 *   submissions until publication, so no advisory query can leak them.
 * - Every write is one transaction: a batch is all-or-nothing, a crash loses no acknowledged
 *   record and leaves no half-written one.
 * - Every change to advisories gets one change-feed entry with a strictly increasing `seq`,
 *   assigned in commit order (writers serialise on a transaction-level advisory lock), so a
 *   reader polling `changesSince(cursor)` never skips a change committed later with a lower seq.
 * - The audit log is append-only in the database (a trigger rejects UPDATE and DELETE).
 *
 * Errors: a database that cannot be reached → AppError ERR_STORE_UNAVAILABLE (HTTP 503);
 * a failed or pending migration → ERR_STORE_MIGRATION; a workflow step not allowed in the
 * current state → ERR_HUB_CONFLICT; unknown id → ERR_HUB_NOT_FOUND; missing role →
 * ERR_HUB_FORBIDDEN; invalid input → ERR_HUB_VALIDATION or ERR_ADVISORY_INVALID.
 */
import type { OsvRecord } from '../core/osv.ts';

// ---------------------------------------------------------------------------------------------
// Configuration

export type StoreConfig = EmbeddedStoreConfig | PostgresStoreConfig;

export interface EmbeddedStoreConfig extends StoreOptions {
  kind: 'embedded';
  /** Directory for PGlite's data files (created when missing). Absent: in memory (tests). */
  dir?: string;
}

export interface PostgresStoreConfig extends StoreOptions {
  kind: 'postgres';
  /** `postgres://user@host:port/db`; `?options=-c search_path=x` selects a schema. */
  url: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  /** Milliseconds to wait for a connection before ERR_STORE_UNAVAILABLE (default 5000). */
  connectTimeoutMs?: number;
  /** Per-statement timeout in milliseconds (default none). */
  statementTimeoutMs?: number;
}

export interface StoreOptions {
  /** Apply pending migrations at open (default true). False: throw ERR_STORE_MIGRATION when pending. */
  migrate?: boolean;
  /** Hub id prefixes and review rules. */
  policy?: Partial<HubPolicy>;
  /** Injected clock (tests); default `() => new Date()`. */
  now?: () => Date;
}

/** How the hub names and reviews what it publishes. */
export interface HubPolicy {
  /**
   * Prefix of hub ids by OSV ecosystem (compared case-insensitively). An id is
   * `${prefix}-${n}`, n from a per-prefix counter that never goes back and never reuses a
   * number (it also skips past ids already present, e.g. ingested from the WG database).
   * Default `{ npm: 'NSWG-ECO', 'Node.js': 'NSWG-COR' }`.
   */
  idPrefixes: Record<string, string>;
  /** Prefix for ecosystems not listed in `idPrefixes` (default `NSWG-MISC`). */
  defaultIdPrefix: string;
  /** Approvals (by triagers or admins) a submission needs before publication (default 1). */
  requiredApprovals: number;
  /** Approvers must differ from the submitter (and from each other) (default true). */
  twoPersonRule: boolean;
}

// ---------------------------------------------------------------------------------------------
// The minimal driver (the escape hatch for specialised queries)

export type Row = Record<string, unknown>;

export interface QueryResult<R = Row> {
  rows: R[];
  /** Rows affected (INSERT/UPDATE/DELETE) or returned. */
  rowCount: number;
}

/** Something that runs one parameterised PostgreSQL statement ($1, $2...). */
export interface Queryable {
  query<R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

/** A connection inside a transaction. */
export interface Transaction extends Queryable {
  /** Runs a script of several statements without parameters. */
  exec(sql: string): Promise<void>;
}

/**
 * What repositories need from a database. Values come back as the `pg` module types them:
 * text/jsonb decoded, `int8`/`bigint` as strings (cast `::int` where a number is wanted),
 * timestamptz as Date. Connection failures throw ERR_STORE_UNAVAILABLE.
 */
export interface Driver extends Queryable {
  readonly kind: 'embedded' | 'postgres';
  /**
   * Runs `fn` in one transaction (BEGIN ... COMMIT, ROLLBACK on a throw). Queries inside must
   * use `tx`, not the driver (PGlite has one connection: using the driver inside would wait
   * for the transaction forever).
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// The store

export interface Store {
  readonly kind: 'embedded' | 'postgres';
  readonly policy: Readonly<HubPolicy>;
  readonly advisories: AdvisoryRepo;
  readonly submissions: SubmissionRepo;
  readonly accounts: AccountRepo;
  readonly audit: AuditRepo;
  /** Raw access for a specialised query; prefer a repository method when one exists. */
  readonly driver: Driver;
  /** Applies pending migrations (under an advisory lock); returns those applied now. */
  migrate(): Promise<AppliedMigration[]>;
  /** Cheap liveness and schema check for /health; never throws. */
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

export interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: Date;
}

export interface StoreHealth {
  ok: boolean;
  kind: 'embedded' | 'postgres';
  /** Newest applied migration. */
  schemaVersion?: number;
  /** Newest migration this code knows. */
  expectedSchemaVersion: number;
  /** Round-trip time of `select 1` in milliseconds. */
  latencyMs?: number;
  /** Why not ok (database away, migrations pending). */
  error?: string;
}

/** Who does something; recorded in the audit log. `userId` null for the CLI/system. */
export interface Actor {
  userId: number | null;
  name: string;
}

export const SYSTEM_ACTOR: Actor = Object.freeze({ userId: null, name: 'system' });

// ---------------------------------------------------------------------------------------------
// Advisories (published data, served by the OSV API)

/**
 * Published vulnerabilities. A vulnerability is ONE record answering to every id in the
 * union of its source records' ids and aliases; see docs/store.md "Alias merge rule":
 * 1. Each ingested OSV record is a *source record*, kept verbatim under its own id. A newer
 *    `modified` replaces it; an older one is ignored (`stale`); the same `modified` with
 *    identical content is a no-op (`unchanged`); the same `modified` with different content
 *    replaces it (the last write wins).
 * 2. Source records whose identifier sets ({id} ∪ aliases) intersect belong to the same
 *    vulnerability, transitively. A record bridging two vulnerabilities merges them: the one
 *    created first survives, the other's ids answer for it (a `merge` change is emitted).
 * 3. The served record is computed: the *primary* source (the first-ingested one that is not
 *    withdrawn, else the first-ingested) gives id, summary, details, severity, ranges; its
 *    `aliases` is every other known id (sorted); `modified` is the newest `modified`;
 *    `affected` adds, per package the primary does not cover, the other sources' entries;
 *    `references` and `related` are unions; `withdrawn` is set only when every source is
 *    withdrawn. `database_specific.nodesec.sources` lists the source ids.
 */
export interface AdvisoryRepo {
  /**
   * Idempotent batch ingest: ONE transaction for the whole batch (all or nothing). Invalid
   * records (no id, no modified, bad dates) are reported in `rejected` and skipped; the rest
   * commit. Emits one change per vulnerability whose served record changed.
   * Set-based writes: about 4,000-5,000 records/s on either backend (bench/store.ts, 100,000
   * records in 20-25 s); callers with large inputs pass chunks of a few thousand.
   */
  ingest(records: readonly OsvRecord[], options?: IngestOptions): Promise<IngestResult>;
  /** `ingest([record])`, returning the served record after the write. */
  upsert(record: OsvRecord, options?: IngestOptions): Promise<OsvRecord>;
  /** The served record for an id or any alias (withdrawn records included). */
  get(idOrAlias: string): Promise<OsvRecord | undefined>;
  /** Many ids at once; the map is keyed by the id as asked. */
  getMany(idsOrAliases: readonly string[]): Promise<Map<string, OsvRecord>>;
  /** Metadata about a vulnerability: canonical id, all ids, source records, last change. */
  info(idOrAlias: string): Promise<AdvisoryInfo | undefined>;
  /**
   * Records with an `affected` entry for the package; ecosystem compared case-insensitively,
   * name exactly. Version filtering is the caller's (hub/match.ts evaluates OSV ranges).
   * Withdrawn records included unless `includeWithdrawn: false`. Ordered by id.
   */
  byPackage(ecosystem: string, name: string, options?: { includeWithdrawn?: boolean }): Promise<OsvRecord[]>;
  /** Many packages in one query; keyed by `packageKey(ecosystem, name)` (lower-case ecosystem, NUL, name). */
  byPackages(keys: readonly PackageRef[], options?: { includeWithdrawn?: boolean }): Promise<Map<string, OsvRecord[]>>;
  /**
   * By package URL: `pkg:npm/%40scope/name@1.0.0` matches the package (version and
   * qualifiers ignored; filter versions yourself) through its ecosystem and name, and any
   * `affected[].package.purl` equal to the purl without version.
   */
  byPurl(purl: string, options?: { includeWithdrawn?: boolean }): Promise<OsvRecord[]>;
  /**
   * Changes with `seq > cursor` in seq order, at most `limit` (default 1000, max 10000).
   * `cursor` is a `seq` from an earlier answer or 0/'0' for the beginning. `next` is the cursor
   * to ask with next time (unchanged when there is nothing new).
   */
  changesSince(cursor: number | string, limit?: number): Promise<ChangePage>;
  /** The newest change seq as a string ('0' for an empty store); changes whenever any advisory changes. */
  cursor(): Promise<string>;
  /**
   * Withdraws a published vulnerability: its served record and each source get `withdrawn`
   * (now) and a new `modified`, the reason in `database_specific.nodesec.withdrawn_reason`.
   * Emits a `withdraw` change. ERR_HUB_NOT_FOUND if unknown, ERR_HUB_CONFLICT if already withdrawn.
   */
  withdraw(idOrAlias: string, reason: string, actor: Actor): Promise<OsvRecord>;
  /** Every served record, ordered by id, streamed in pages (`pageSize` default 500). */
  exportAll(options?: { includeWithdrawn?: boolean; pageSize?: number }): AsyncIterable<OsvRecord>;
  /** Number of vulnerabilities (served records). */
  count(options?: { includeWithdrawn?: boolean }): Promise<number>;
}

export interface PackageRef {
  ecosystem: string;
  name: string;
}

/** Key of a package in maps returned by `byPackages`. */
export function packageKey(ecosystem: string, name: string): string {
  return `${ecosystem.toLowerCase()}\u0000${name}`;
}

export interface IngestOptions {
  /** Where the records come from (e.g. `nswg`, `osv:npm`, `hub`); kept on each source record. */
  source?: string;
  /** Recorded in the audit log (one entry per batch); default SYSTEM_ACTOR. */
  actor?: Actor;
}

export interface IngestResult {
  /** New vulnerabilities. */
  inserted: number;
  /** Vulnerabilities whose served record changed (including merges and withdrawals). */
  updated: number;
  /** Records identical to what is stored. */
  unchanged: number;
  /** Records older (by `modified`) than the stored source record with the same id: ignored. */
  stale: number;
  /** Vulnerabilities folded into another one because a record bridged them. */
  merged: number;
  /** Invalid records, skipped; the rest of the batch committed. */
  rejected: { index: number; id?: string; message: string }[];
  /** Change-feed cursor after the batch. */
  cursor: string;
}

export interface AdvisoryInfo {
  /** The served record's id. */
  id: string;
  /** Every id answering for this vulnerability (canonical, source ids, aliases). */
  ids: string[];
  sources: { id: string; modified: string; source: string | null; withdrawn: boolean }[];
  withdrawn: boolean;
  /** seq of the last change to it. */
  lastSeq: string;
  createdAt: Date;
  updatedAt: Date;
}

export type ChangeKind = 'insert' | 'update' | 'withdraw' | 'merge';

export interface Change {
  /** Strictly increasing, as a decimal string (bigint). */
  seq: string;
  kind: ChangeKind;
  /** Served id at the time of the change (for `merge`: the id that was folded away). */
  id: string;
  /** For `merge`: the id it was folded into. */
  into?: string;
  /** The record's `modified` after the change. */
  modified: string;
  at: Date;
}

export interface ChangePage {
  changes: Change[];
  /** Cursor to ask with next. */
  next: string;
  /** True when more changes exist after `next`. */
  more: boolean;
}

// ---------------------------------------------------------------------------------------------
// Accounts and tokens

export const ROLES = ['admin', 'triager', 'maintainer', 'contributor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Token scopes. `read` non-public data the user may see (own drafts, embargoed records of
 * maintained packages); `submit` create and edit submissions; `review` approve, reject,
 * publish, withdraw (needs role triager or admin as well); `admin` users, tokens, audit log
 * (needs role admin as well). A scope never grants more than the user's roles.
 */
export const SCOPES = ['read', 'submit', 'review', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface User {
  id: number;
  name: string;
  roles: Role[];
  email: string | null;
  disabled: boolean;
  createdAt: Date;
  /** Packages a maintainer maintains (embargo visibility). */
  packages: PackageRef[];
}

export interface TokenInfo {
  /** Public id (`tok_...`), shown in lists and used to revoke; not a secret. */
  id: string;
  userId: number;
  userName: string;
  label: string | null;
  scopes: Scope[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface CreatedToken {
  /** The plaintext token, `nshub_<id>_<secret>`: shown once, stored only as sha256. */
  token: string;
  info: TokenInfo;
}

/** A verified token: who is calling and with which scopes. */
export interface Principal {
  user: User;
  token: TokenInfo;
  /** Scopes effective after intersecting with roles. */
  scopes: Scope[];
}

export interface AccountRepo {
  /** ERR_HUB_CONFLICT if the name (case-insensitive) exists; ERR_HUB_VALIDATION for a bad name or role. */
  createUser(input: { name: string; roles: Role[]; email?: string }, actor: Actor): Promise<User>;
  /** By id or name (case-insensitive). */
  getUser(idOrName: number | string): Promise<User | undefined>;
  listUsers(): Promise<User[]>;
  setRoles(idOrName: number | string, roles: Role[], actor: Actor): Promise<User>;
  /** A disabled user's tokens stop verifying. */
  setDisabled(idOrName: number | string, disabled: boolean, actor: Actor): Promise<User>;
  /** Grants a maintainer visibility of embargoed submissions about a package. */
  addMaintainedPackage(idOrName: number | string, pkg: PackageRef, actor: Actor): Promise<User>;
  removeMaintainedPackage(idOrName: number | string, pkg: PackageRef, actor: Actor): Promise<User>;
  /**
   * Creates a token: 32 random bytes, stored as sha256 hex. `expiresAt` null never expires
   * (discouraged). ERR_HUB_VALIDATION if a scope exceeds the user's roles.
   */
  createToken(input: { user: number | string; scopes: Scope[]; expiresAt: Date | null; label?: string }, actor: Actor): Promise<CreatedToken>;
  /**
   * The principal for a plaintext token, or undefined when unknown, revoked, expired or the
   * user is disabled (constant-time with respect to the secret: lookup is by hash). Updates
   * `lastUsedAt` (at most once a minute per token, outside the audit log).
   */
  verifyToken(token: string): Promise<Principal | undefined>;
  listTokens(options?: { user?: number | string; includeRevoked?: boolean }): Promise<TokenInfo[]>;
  /** ERR_HUB_NOT_FOUND if unknown; revoking twice is a no-op that returns the token. */
  revokeToken(id: string, actor: Actor): Promise<TokenInfo>;
}

// ---------------------------------------------------------------------------------------------
// Submissions (review workflow)

export type SubmissionStatus = 'draft' | 'in-review' | 'published' | 'rejected';

export interface Review {
  reviewer: Actor;
  decision: 'approve' | 'request-changes';
  comment: string | null;
  at: Date;
}

export interface Submission {
  id: number;
  status: SubmissionStatus;
  submitter: Actor;
  /** The proposed records (one or a batch). Hub ids are filled in at publication. */
  records: OsvRecord[];
  /** Packages the records affect (visibility for maintainers). */
  packages: PackageRef[];
  /** Not published before this instant; visible only to those allowed until published. */
  embargoUntil: Date | null;
  note: string | null;
  reviews: Review[];
  /** Approvals that count under the policy (distinct, not the submitter when two-person). */
  approvals: number;
  /** Ids the records were published under. */
  publishedIds: string[];
  rejectionReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What the HTTP layer knows about the caller, for visibility checks. */
export interface Viewer {
  userId: number;
  roles: readonly Role[];
}

export interface SubmissionRepo {
  /**
   * Creates a draft. Records are validated (id optional: a record without an id, or with an
   * id not starting with a hub prefix, gets a hub id at publication and keeps its id as an
   * alias; a record whose id is an existing hub id updates that advisory).
   */
  create(input: { records: OsvRecord[]; embargoUntil?: Date | null; note?: string }, actor: Actor): Promise<Submission>;
  /** Replaces records/embargo/note of a draft or in-review submission (review restarts: approvals cleared, back to draft). Only the submitter, triagers or admins. */
  update(id: number, input: { records?: OsvRecord[]; embargoUntil?: Date | null; note?: string }, actor: Actor, viewer: Viewer): Promise<Submission>;
  /** draft → in-review; submitter (or triager/admin). */
  submit(id: number, actor: Actor, viewer: Viewer): Promise<Submission>;
  /**
   * Records a review of an in-review submission by a triager or admin. `approve` counts
   * toward `requiredApprovals`; under the two-person rule the submitter's own approval is
   * refused (ERR_HUB_FORBIDDEN) and one reviewer counts once. `request-changes` sends it
   * back to draft and clears approvals.
   */
  review(id: number, decision: 'approve' | 'request-changes', comment: string | null, actor: Actor, viewer: Viewer): Promise<Submission>;
  /**
   * in-review → published: needs `approvals >= requiredApprovals` and no embargo in the
   * future (ERR_HUB_CONFLICT otherwise); triager or admin. Assigns hub ids, ingests the
   * records into advisories (same transaction), returns the submission with `publishedIds`.
   */
  publish(id: number, actor: Actor, viewer: Viewer): Promise<Submission>;
  /** draft|in-review → rejected with a reason; triager or admin. */
  reject(id: number, reason: string, actor: Actor, viewer: Viewer): Promise<Submission>;
  /**
   * A submission if the viewer may see it: the submitter, maintainers of an affected
   * package, triagers and admins; otherwise undefined (answer 404, not 403, so ids do not
   * leak). Published submissions are visible to any authenticated viewer.
   */
  get(id: number, viewer: Viewer): Promise<Submission | undefined>;
  /** Submissions the viewer may see, newest first; filter by status; keyset paging by id. */
  list(viewer: Viewer, options?: { status?: SubmissionStatus; before?: number; limit?: number }): Promise<Submission[]>;
  /** The visibility rule of `get`, for a submission already loaded. */
  canView(submission: Submission, viewer: Viewer, maintained?: readonly PackageRef[]): boolean;
}

// ---------------------------------------------------------------------------------------------
// Audit log

export interface AuditEntry {
  /** Strictly increasing. */
  id: string;
  at: Date;
  actor: Actor;
  /** e.g. `user.create`, `token.create`, `token.revoke`, `submission.publish`, `advisory.ingest`, `advisory.withdraw`. */
  action: string;
  /** What it acted on: `user:3`, `token:tok_x`, `submission:12`, `advisory:NSWG-ECO-1`. */
  target: string;
  /** The change: `{ before, after }` of the fields that changed, or a summary for batches. Never secrets. */
  diff: unknown;
}

export interface AuditRepo {
  /** Appends an entry (the repositories do it for their own writes). */
  append(entry: { actor: Actor; action: string; target: string; diff?: unknown }, tx?: Queryable): Promise<AuditEntry>;
  /** Newest first; filter by target prefix, actor user id, action; keyset paging by id. Admins only (enforced by the caller). */
  list(options?: { target?: string; actorUserId?: number; action?: string; before?: string; limit?: number }): Promise<AuditEntry[]>;
}
