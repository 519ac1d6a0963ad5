/**
 * The lockfile reader contract (STYLE.md shape (a)). One reader per file in `readers/`,
 * registered in the explicit list in `registry.ts`.
 */
import type { LockGraph } from '../core/lockgraph.ts';

export interface LockfileInput {
  /** Path as given by the caller; used in errors and stamped on the graph. */
  path: string;
  /** The whole file, already size-checked and BOM-stripped. */
  text: string;
  /**
   * The project's manifests, when the caller has them (readLockfile reads them from disk next
   * to the lockfile). Readers use them where the lockfile alone does not say which packages
   * the importers depend on (npm v1, yarn classic workspaces). Absent: the reader infers.
   */
  project?: ProjectFiles;
}

export interface ProjectFiles {
  /** Parsed `package.json` of a directory relative to the lockfile (`.` the root), or undefined. */
  manifest(dir: string): Manifest | undefined;
  /** Directories (relative, `/`-separated, sorted) matching workspace globs that hold a package.json. */
  workspaces(patterns: string[]): string[];
}

export interface Manifest {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  workspaces?: string[] | { packages?: string[] };
  resolutions?: Record<string, string>;
  overrides?: Record<string, unknown>;
}

export interface LockfileReader {
  /** Stable id, e.g. `npm/package-lock`; stamped on the graph as `<id>@<version>`. */
  readonly id: string;
  /** Bump when the graph this reader produces changes. */
  readonly version: number;
  /**
   * Cheap prefilter on the file name (and, when given, the first few KB of the file to tell
   * formats sharing a name apart, like yarn classic and berry). No I/O.
   */
  matches(path: string, head?: string): boolean;
  /** Parse and build the graph. Throws AppError ERR_LOCKFILE_PARSE / ERR_LOCKFILE_UNSUPPORTED. */
  read(input: LockfileInput): Promise<LockGraph>;
}
