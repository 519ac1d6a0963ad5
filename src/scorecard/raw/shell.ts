/**
 * Shell scripts as scorecard's Pinned-Dependencies reads them (checks/raw/shell_download_validate.go,
 * which walks an mvdan/sh syntax tree). This is a bounded, line-aware tokenizer rather than a
 * full POSIX parser: statements are split on newlines, `;`, `&&`, `||` and `&`, pipelines on
 * `|`; quotes are removed; here-document bodies are skipped (data, not commands);
 * `$(...)`, `<(...)` and `bash -c "..."` bodies are scanned
 * recursively. Leading `VAR=value` assignments are dropped (they are not arguments in mvdan's
 * CallExpr); `sudo` is kept, as scorecard keeps it (so `sudo npm install` is not an npm command
 * for scorecard either).
 *
 * What it finds, with scorecard's pinned/unpinned verdicts:
 *   npm install|i|install-test|update (unpinned) and npm ci (pinned)
 *   pip/pip3/python -m pip install (pinned only with --require-hashes, a lone .whl, or a pinned editable)
 *   go get|install <module> (pinned at a full semver or commit hash)
 *   choco install (pinned with --requirechecksum[s])
 *   download-then-run: curl|wget ... | sh, sh <(curl ...), a downloaded file later executed (always unpinned)
 */
import type { Where } from '../types.ts';

export type ShellDepType = 'npmCommand' | 'pipCommand' | 'goCommand' | 'chocoCommand' | 'downloadThenRun';

export interface ShellDep {
  type: ShellDepType;
  pinned: boolean;
  location: Where;
}

interface Cmd {
  argv: string[];
  /** 0-based line within the script. */
  line: number;
  /** raw text of the command */
  text: string;
}

const MAX_SCRIPT = 256 * 1024;
const MAX_DEPTH = 4;

const base = (s: string) => s.slice(s.lastIndexOf('/') + 1);
const isBinary = (expected: string, name: string | undefined) => name !== undefined && base(name).toLowerCase() === expected.toLowerCase();

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', 'time']);
const INTERPRETERS = ['sh', 'bash', 'dash', 'ksh', 'mksh', 'python', 'python2', 'python3', 'perl', 'ruby', 'php', 'node', 'nodejs', 'java', 'exec', 'su'];
const SHELLS = ['sh', 'bash', 'dash', 'ksh', 'mksh'];
const DOWNLOADERS = ['curl', 'wget', 'gsutil'];

/** Splits a script into pipelines of simple commands, with line numbers. */
function parse(script: string): Cmd[][] {
  const pipelines: Cmd[][] = [];
  let pipeline: Cmd[] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let cmdLine = -1;
  let cmdStart = 0;
  let line = 0;
  const heredocs: { delim: string; strip: boolean }[] = [];
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCmd = (i: number) => {
    endWord();
    // drop leading reserved words (`if npm ci; then`: the command is `npm ci`) and assignments
    let k = 0;
    while (k < words.length && (RESERVED.has(words[k]!) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[k]!))) k++;
    const argv = words.slice(k);
    if (argv.length > 0) pipeline.push({ argv, line: cmdLine < 0 ? line : cmdLine, text: script.slice(cmdStart, i).trim() });
    words = [];
    cmdLine = -1;
    cmdStart = i + 1;
  };
  const endPipeline = (i: number) => {
    endCmd(i);
    if (pipeline.length > 0) pipelines.push(pipeline);
    pipeline = [];
  };
  const startWord = () => {
    if (!inWord) {
      inWord = true;
      if (cmdLine < 0) cmdLine = line;
    }
  };
  const n = script.length;
  for (let i = 0; i < n; i++) {
    const c = script[i]!;
    if (c === '\\' && script[i + 1] === '\n') {
      i++;
      line++;
      continue;
    }
    if (c === '\\' && i + 1 < n) {
      startWord();
      word += script[++i];
      continue;
    }
    if (c === "'") {
      startWord();
      const end = script.indexOf("'", i + 1);
      const stop = end === -1 ? n : end;
      const body = script.slice(i + 1, stop);
      line += body.split('\n').length - 1;
      word += body;
      i = stop;
      continue;
    }
    if (c === '"') {
      startWord();
      let j = i + 1;
      while (j < n && script[j] !== '"') {
        if (script[j] === '\\' && j + 1 < n) {
          const nx = script[j + 1]!;
          word += '"\\$`'.includes(nx) ? nx : `\\${nx}`;
          j += 2;
          continue;
        }
        if (script[j] === '\n') line++;
        word += script[j];
        j++;
      }
      i = j;
      continue;
    }
    if ((c === '$' || c === '<' || c === '>') && script[i + 1] === '(') {
      // $( ... ), <( ... ), >( ... ): keep the whole balanced text as (part of) one word.
      startWord();
      let depth = 0;
      let j = i + 1;
      for (; j < n; j++) {
        if (script[j] === '(') depth++;
        else if (script[j] === ')' && --depth === 0) break;
        else if (script[j] === '\n') line++;
      }
      word += script.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === '#' && !inWord) {
      const nl = script.indexOf('\n', i);
      i = (nl === -1 ? n : nl) - 1;
      continue;
    }
    if (c === '\n') {
      endPipeline(i);
      line++;
      // Here-document bodies are data, not commands: skip to the delimiter line.
      for (const h of heredocs.splice(0)) {
        let j = i + 1;
        for (;;) {
          const nl = script.indexOf('\n', j);
          const text = script.slice(j, nl === -1 ? n : nl);
          const cmp = h.strip ? text.replace(/^\t+/, '') : text;
          if (nl === -1) {
            j = n;
            break;
          }
          line++;
          j = nl + 1;
          if (cmp === h.delim) break;
        }
        i = j - 1;
        cmdStart = j;
      }
      continue;
    }
    if (c === ';' || (c === '&' && script[i + 1] !== '>')) {
      if (c === '&' && script[i + 1] === '&') i++;
      endPipeline(i);
      continue;
    }
    if (c === '|') {
      if (script[i + 1] === '|') {
        i++;
        endPipeline(i);
      } else endCmd(i);
      continue;
    }
    if (c === '<' && script[i + 1] === '<' && script[i + 2] !== '<') {
      // here-document: `<<[-] [']DELIM[']`; its body starts on the next line
      endWord();
      let j = i + 2;
      const strip = script[j] === '-';
      if (strip) j++;
      while (script[j] === ' ' || script[j] === '\t') j++;
      const m = /^(['"]?)([A-Za-z0-9_.-]+)\1/.exec(script.slice(j, j + 100));
      if (m) {
        heredocs.push({ delim: m[2]!, strip });
        i = j + m[0].length - 1;
        continue;
      }
    }
    if (c === '>' || c === '<') {
      // redirection: keep it as a word of its own so that `> file` is visible
      endWord();
      let op = c;
      if (script[i + 1] === '>' || script[i + 1] === '&') op += script[++i];
      startWord();
      word = op;
      endWord();
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      continue;
    }
    if ((c === '(' || c === ')' || c === '{' || c === '}') && !inWord) {
      endPipeline(i);
      continue;
    }
    startWord();
    word += c;
  }
  endPipeline(n);
  return pipelines;
}

function npmDownload(c: string[]): boolean {
  if (!isBinary('npm', c[0])) return false;
  return c.slice(1).some((a) => ['install', 'i', 'install-test', 'update', 'ci'].includes(a.toLowerCase()));
}
function npmUnpinned(c: string[]): boolean {
  return !c.slice(1).some((a) => a.toLowerCase() === 'ci');
}

function goDownload(c: string[]): boolean {
  return isBinary('go', c[0]) && c.length > 2 && c.slice(1, -1).some((a) => a === 'get' || a === 'install');
}
function goUnpinned(c: string[]): boolean {
  if (c.length <= 2) return false;
  let found = false;
  let insecure = false;
  for (let i = 1; i < c.length - 1; i++) {
    if (c[i] === 'get' || c[i] === 'install') found = true;
    if (!found) continue;
    while (i < c.length - 1 && ['-d', '-f', '-t', '-u', '-v', '-fix', '-insecure'].includes(c[i + 1]!)) {
      if (c[i + 1] === '-insecure') insecure = true;
      i++;
    }
    if (i + 1 >= c.length) return false;
    const pkg = c[i + 1]!;
    if (!/\w+\.\w+\/\w+/.test(pkg)) return false;
    const parts = pkg.split('@');
    if (parts.length !== 2) continue;
    const v = parts[1]!;
    if (v === 'none' || /^[A-Fa-f0-9]{40,}$/.test(v) || (!insecure && /^v\d+\.\d+\.\d+(-[0-9A-Za-z-.]+)?(\+[0-9A-Za-z-.]+)?$/.test(v))) return false;
  }
  return found;
}

function pipArgs(c: string[]): string[] | undefined {
  if (isBinary('pip', c[0]) || isBinary('pip3', c[0])) return c;
  if (['python', 'python3', 'python2', 'python3.8', 'python3.9', 'python3.10', 'python3.11', 'python3.12', 'py'].some((p) => isBinary(p, c[0]))) {
    for (let i = 1; i < c.length - 1; i++) if (c[i]!.toLowerCase() === '-m' && c[i + 1]!.toLowerCase() === 'pip') return c.slice(i + 1);
  }
  return undefined;
}
function pipInstall(c: string[]): boolean {
  const p = pipArgs(c);
  return p !== undefined && p.slice(1).some((a) => a.toLowerCase() === 'install');
}
function pipUnpinned(c: string[]): boolean {
  const cmd = pipArgs(c)!;
  let isInstall = false, noDeps = false, editable = false, pinnedEditable = false, requireHashes = false, extra = false, wheel = false;
  for (let i = 1; i < cmd.length; i++) {
    const a = cmd[i]!;
    if (a.toLowerCase() === 'install') {
      isInstall = true;
      continue;
    }
    if (!isInstall) break;
    if (a.toLowerCase() === '--no-deps') {
      noDeps = true;
      continue;
    }
    if (a === '-e' || a === '--editable') {
      editable = true;
      if (i + 1 < cmd.length) {
        const src = cmd[++i]!;
        pinnedEditable = !/^(git|svn|hg|bzr).+$/.test(src) || /^git(\+(https?|ssh|git))?:\/\/.*(.git)?@[a-fA-F0-9]{40}(#egg=.*)?$/.test(src);
      }
      continue;
    }
    if (a.toLowerCase() === '--require-hashes') {
      requireHashes = true;
      break;
    }
    if (a.endsWith('.whl')) {
      wheel = true;
      continue;
    }
    extra = true;
  }
  if (editable) return !noDeps || !pinnedEditable;
  if (requireHashes) return false;
  if (extra) return true;
  if (wheel) return false;
  return isInstall;
}

function chocoInstall(c: string[]): boolean {
  return c.length >= 2 && (isBinary('choco', c[0]) || isBinary('choco.exe', c[0])) && c[1]!.toLowerCase() === 'install';
}
function chocoUnpinned(c: string[]): boolean {
  return !c.slice(1).some((a) => ['--requirechecksum', '--requirechecksums', '--require-checksums'].includes(a.split('=')[0]!.toLowerCase()));
}

const isInterpreter = (c: string[]) => {
  const a = isBinary('sudo', c[0]) ? c.slice(1).filter((x) => !x.startsWith('-')) : c;
  return INTERPRETERS.some((i) => isBinary(i, a[0]));
};
const isDownloader = (c: string[]) => {
  const a = isBinary('sudo', c[0]) ? c.slice(1) : c;
  return DOWNLOADERS.some((d) => isBinary(d, a[0]));
};

/** The file a download writes to: `-o f`, `-O f`, `--output f`, `--output-document=f`, or `> f`. */
function downloadedFile(c: string[]): string | undefined {
  for (let i = 1; i < c.length; i++) {
    const a = c[i]!;
    if ((a === '-o' || a === '-O' || a === '--output' || a === '--output-document') && i + 1 < c.length && c[i + 1] !== '-') return c[i + 1];
    const m = /^--output(?:-document)?=(.+)$/.exec(a);
    if (m && m[1] !== '-') return m[1];
    if ((a === '>' || a === '>>') && i + 1 < c.length) return c[i + 1];
  }
  return undefined;
}

export interface ShellScanOptions {
  file: string;
  /** Line of the script's first line in `file` (1-based). */
  firstLine: number;
}

/** Scans one script; `tainted` carries downloaded file names across the scripts of one job or file. */
export function scanShell(script: string, opts: ShellScanOptions, tainted: Set<string> = new Set(), depth = 0): ShellDep[] {
  const out: ShellDep[] = [];
  if (depth > MAX_DEPTH) return out;
  const text = script.length > MAX_SCRIPT ? script.slice(0, MAX_SCRIPT) : script;
  const at = (cmd: Cmd): Where => ({ file: opts.file, line: opts.firstLine + cmd.line, snippet: cmd.text.slice(0, 200) });
  for (const pipeline of parse(text)) {
    // curl ... | bash
    for (let k = 0; k + 1 < pipeline.length; k++) {
      if (isDownloader(pipeline[k]!.argv) && isInterpreter(pipeline[k + 1]!.argv)) {
        out.push({ type: 'downloadThenRun', pinned: false, location: { ...at(pipeline[k]!), snippet: pipeline.map((p) => p.text).join(' | ').slice(0, 200) } });
      }
    }
    for (const cmd of pipeline) {
      const c = cmd.argv;
      // bash <(curl ...)
      if (isInterpreter(c) && c[1]?.startsWith('<(')) {
        const inner = parse(c[1].slice(2, -1))[0]?.[0];
        if (inner && isDownloader(inner.argv)) out.push({ type: 'downloadThenRun', pinned: false, location: at(cmd) });
      }
      // executing a file downloaded earlier
      for (const f of tainted) {
        const runsIt = (isInterpreter(c) && c.slice(1).includes(f)) || c[0] === f || c[0] === `./${f}` || (f.startsWith('./') && c[0] === f.slice(2));
        if (runsIt) out.push({ type: 'downloadThenRun', pinned: false, location: at(cmd) });
      }
      if (npmDownload(c)) out.push({ type: 'npmCommand', pinned: !npmUnpinned(c), location: at(cmd) });
      else if (goDownload(c)) out.push({ type: 'goCommand', pinned: !goUnpinned(c), location: at(cmd) });
      else if (pipInstall(c)) out.push({ type: 'pipCommand', pinned: !pipUnpinned(c), location: at(cmd) });
      else if (chocoInstall(c)) out.push({ type: 'chocoCommand', pinned: !chocoUnpinned(c), location: at(cmd) });
      // sh -c "..." and $( ... ) bodies
      const ci = c.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
      if (SHELLS.some((s) => isBinary(s, c[0])) && ci > 0 && c[ci + 1] !== undefined) {
        out.push(...scanShell(c[ci + 1]!, { file: opts.file, firstLine: opts.firstLine + cmd.line }, tainted, depth + 1));
      }
      for (const a of c) {
        const m = /\$\((.*)\)/s.exec(a);
        if (m && !a.startsWith('<(')) out.push(...scanShell(m[1]!, { file: opts.file, firstLine: opts.firstLine + cmd.line }, tainted, depth + 1));
      }
      if (isDownloader(c)) {
        const f = downloadedFile(isBinary('sudo', c[0]) ? c.slice(1) : c);
        if (f) tainted.add(f);
      }
    }
  }
  return out;
}

/**
 * raw.isSupportedShellScriptFile: a shebang naming sh/bash/mksh decides, else the extension.
 */
export function isShellScriptFile(path: string, content: string, shells: readonly string[] = ['sh', 'bash', 'mksh']): boolean {
  const ext = shells.some((s) => path.endsWith(`.${s}`));
  const first = content.slice(0, content.indexOf('\n') === -1 ? content.length : content.indexOf('\n'));
  if (!first.startsWith('#!')) return ext;
  const parts = first.slice(2).trim().split(' ');
  for (const s of shells) {
    if (isBinary(s, parts[0])) return true;
    if (parts.length >= 2 && isBinary('env', parts[0]) && isBinary(s, parts[1])) return true;
    if (parts.length >= 3 && isBinary('env', parts[0]) && parts[1] === '-S' && isBinary(s, parts[2])) return true;
  }
  return false;
}

export const SUPPORTED_SHELLS = ['sh', 'bash', 'mksh'] as const;
export const isSupportedShell = (shell: string) => SUPPORTED_SHELLS.some((s) => isBinary(s, shell.split(/\s+/)[0]));
