/**
 * Raw data of Binary-Artifacts (checks/raw/binary_artifact.go): a file is a binary artifact
 * when its magic bytes say crx/deb/dex/dey/elf/exe/iso/macho/rpm (h2non/filetype), or when its
 * extension is one of scorecard's binary extensions and its content is not text (Go's
 * unicode.IsPrint over every rune, tabs and newlines allowed). Validated gradle-wrapper.jar
 * files are only excused by scorecard after a successful run on the head commit, which a local
 * checkout cannot show: they count here, as in scorecard's local mode.
 */
import type { RepoSource, Where } from '../types.ts';

export const BINARY_EXTENSIONS = new Set([
  'crx', 'deb', 'dex', 'dey', 'elf', 'o', 'so', 'macho', 'iso', 'class', 'jar', 'bundle', 'dylib', 'lib', 'msi', 'dll', 'drv', 'efi', 'exe', 'ocx', 'pyc', 'pyo', 'par', 'rpm', 'whl',
]);

export interface BinaryArtifactsRaw {
  files: (Where & { kind: string })[];
}

const eq = (b: Buffer, off: number, bytes: number[]) => b.length >= off + bytes.length && bytes.every((x, i) => b[off + i] === x);

/** The subset of h2non/filetype matchers whose types scorecard treats as binaries. */
export function magicType(b: Buffer): string | undefined {
  if (eq(b, 0, [0x7f, 0x45, 0x4c, 0x46])) return 'elf';
  if (eq(b, 0, [0x4d, 0x5a])) return 'exe';
  if (eq(b, 0, [0xfe, 0xed, 0xfa, 0xce]) || eq(b, 0, [0xfe, 0xed, 0xfa, 0xcf]) || eq(b, 0, [0xce, 0xfa, 0xed, 0xfe]) || eq(b, 0, [0xcf, 0xfa, 0xed, 0xfe]) || eq(b, 0, [0xca, 0xfe, 0xba, 0xbe])) return 'macho';
  if (eq(b, 0, [0x43, 0x72, 0x32, 0x34])) return 'crx';
  if (eq(b, 0, [...Buffer.from('!<arch>\ndebian-binary')])) return 'deb';
  if (eq(b, 0, [0xed, 0xab, 0xee, 0xdb])) return 'rpm';
  if (eq(b, 0, [0x64, 0x65, 0x78, 0x0a])) return 'dex';
  if (eq(b, 0, [0x64, 0x65, 0x79, 0x0a])) return 'dey';
  if (eq(b, 32769, [0x43, 0x44, 0x30, 0x30, 0x31])) return 'iso';
  return undefined;
}

const NOT_PRINTABLE = /[^\p{L}\p{M}\p{N}\p{P}\p{S} \t\n\r]/u;

/** raw.isText: every rune printable (invalid UTF-8 decodes to U+FFFD, which Go also counts as printable). */
export function isText(b: Buffer): boolean {
  return !NOT_PRINTABLE.test(new TextDecoder('utf-8', { fatal: false }).decode(b));
}

export async function collectBinaryArtifacts(source: RepoSource): Promise<BinaryArtifactsRaw> {
  const files: BinaryArtifactsRaw['files'] = [];
  for (const f of await source.listFiles()) {
    const content = await source.readFile(f);
    if (!content || content.length === 0) continue;
    const magic = magicType(content);
    if (magic) {
      files.push({ file: f, line: 1, kind: magic });
      continue;
    }
    const base = f.slice(f.lastIndexOf('/') + 1);
    const dot = base.lastIndexOf('.');
    const ext = dot === -1 ? '' : base.slice(dot + 1);
    if (BINARY_EXTENSIONS.has(ext) && !isText(content)) files.push({ file: f, line: 1, kind: ext });
  }
  return { files };
}
