/**
 * The advisory core: the canonical model is OSV (src/core/osv.ts); everything else converts
 * at the edges. Import from here, not from the files behind it.
 */
export {
  NODE_PACKAGE,
  NSWG_ID_PREFIX,
  npmPurl,
  nswgCoreToOsv,
  nswgDepsToVex,
  nswgNpmToOsv,
  nswgSourceUrl,
  osvFixedRange,
  osvToNswgCore,
  osvToNswgNpm,
  osvToSemverRange,
  vexToNswgDeps,
  type NswgCoreRecord,
  type NswgDepsRecord,
  type NswgKind,
  type NswgNpmRecord,
} from './nswg.ts';
export { isAffected, osvRangesAffect, parseRange, toOsvRanges, wgAffects } from './ranges.ts';
export { advisorySeverity, cvssProblem, cvssVersion, osvSeverityOf, scoreCvss, type CvssScore, type CvssVersion } from './cvss.ts';
export { MemorySource } from './memory.ts';
export { cacheDir, defaultSnapshotPath, loadAdvisories, openAdvisorySource, type OpenSourceOptions } from './source.ts';
export { SNAPSHOT_FILE, SNAPSHOT_VERSION, SnapshotSource, decodeSnapshot, encodeSnapshot, loadSnapshot, writeFileAtomic } from './snapshot.ts';
export { readNswgDir, readOsvDir, readOsvZip, type Loaded, type Warning } from './readers.ts';
export { validateDocument, validateFile, validateNswg, validateOsv, type DocumentKind, type FileResult, type Problem } from './validate.ts';
export { fromExportOsv, patchedVersions, toCve5, toExportOsv, toNswgFiles, toOpenVex } from './export.ts';
export { buildIndexes, formatIndex } from './indexgen.ts';
export { DEFAULT_SYNC_SOURCES, buildSnapshotFile, syncSources } from './build.ts';
