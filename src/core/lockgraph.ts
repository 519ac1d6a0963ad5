/**
 * The dependency graph every lockfile reader produces and the audit consumes. Readers
 * (lockfile/readers/*.ts) handle format quirks; everything after them sees only this.
 *
 * Nodes are installed packages (one per distinct install: npm may install the same
 * name@version at several locations, those are separate nodes with the same name/version).
 * Importers are the root project and its workspaces; edges go from an importer or a package
 * to the package that satisfies a dependency.
 */

export type DependencyKind = 'prod' | 'dev' | 'optional' | 'peer';

/** Why a package cannot be matched against registry advisories. */
export type NotAuditableReason = 'git' | 'file' | 'link' | 'tarball' | 'workspace' | 'patch' | 'unknown-source';

export interface LockPackage {
  /** Index into LockGraph.packages. */
  id: number;
  /** The registry name (for an alias `foo@npm:bar@1`, this is `bar`). */
  name: string;
  version: string;
  /** The name it is installed under when aliased (`foo`), else absent. */
  alias?: string;
  /** Resolved URL or spec (registry tarball, git URL, file path), when the lockfile has it. */
  resolved?: string;
  integrity?: string;
  /** Flags as computed from the graph (or stored by the format): true when the package is reachable only that way. */
  dev: boolean;
  optional: boolean;
  peer: boolean;
  /** Set when this is not a registry package; such packages are listed, never silently dropped. */
  notAuditable?: { reason: NotAuditableReason; spec: string };
  /** Inside a bundledDependencies tree. */
  bundled?: boolean;
  /** npm install location (`node_modules/a/node_modules/b`), pnpm snapshot key, yarn resolution key. */
  key: string;
  /** 1-based line of the entry in the lockfile, for SARIF locations and messages. */
  line?: number;
  /**
   * No importer reaches it (a stale entry, or npm's `extraneous`). Such packages are kept in
   * the graph (a stale entry may still be on disk) but its flags are meaningless.
   */
  extraneous?: boolean;
}

export interface LockImporter {
  /** Path relative to the lockfile directory: `.` for the root, `packages/foo` for a workspace. */
  path: string;
  name?: string;
  version?: string;
}

export interface LockEdge {
  /** `importer:<index>` or `package:<id>` as a discriminated pair. */
  from: { importer: number } | { package: number };
  to: number;
  kind: DependencyKind;
  /** The name as depended upon (alias name for aliases). */
  name: string;
  /** The requested range or spec. */
  spec?: string;
}

export interface LockGraph {
  /** `npm`, `yarn`, `pnpm`, `bun`. */
  manager: 'npm' | 'yarn' | 'pnpm' | 'bun';
  /** The reader's id and version, e.g. `npm/package-lock@1`. */
  reader: string;
  /** Absolute or as-given path of the lockfile. */
  path: string;
  /** Format version as written in the file (`3`, `9.0`, `v1`, `4`...). */
  formatVersion: string;
  importers: LockImporter[];
  packages: LockPackage[];
  edges: LockEdge[];
  /** Non-fatal problems found while reading (e.g. an edge to a missing entry). */
  warnings: { message: string; line?: number }[];
}
