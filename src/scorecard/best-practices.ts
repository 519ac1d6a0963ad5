/**
 * OpenSSF Best Practices ("passing" level, https://www.bestpractices.dev/en/criteria/0): the
 * criteria that repository evidence can answer are answered, with the evidence; the others are
 * marked as needing a person. Answers are read from and written to `.bestpractices.json`, the
 * file the badge app imports (flat `<criterion>_status` = Met | Unmet | N/A | ?, and
 * `<criterion>_justification`). Answers a person wrote are never overwritten: nodesec's own
 * justifications start with "[nodesec]", and a person's status that disagrees with the evidence
 * is reported as a conflict.
 */
import { AppError } from '../core/errors.ts';
import { collectDependencyUpdateTool } from './raw/dependency-update-tool.ts';
import { collectFuzzing } from './raw/fuzzing.ts';
import { APPROVED, collectLicense } from './raw/license.ts';
import { collectSast } from './raw/sast.ts';
import { collectSecurityPolicy } from './raw/security-policy.ts';
import { readWorkflows } from './raw/workflow.ts';
import type { RepoSource, Where } from './types.ts';

export type BpStatus = 'Met' | 'Unmet' | 'N/A' | '?';
export type Category = 'Basics' | 'Change Control' | 'Reporting' | 'Quality' | 'Security' | 'Analysis';
export type Level = 'MUST' | 'SHOULD' | 'SUGGESTED';

export interface Criterion {
  id: string;
  category: Category;
  level: Level;
  text: string;
}

/** The passing criteria (ids as the badge app names its fields). */
export const CRITERIA: readonly Criterion[] = [
  { id: 'description_good', category: 'Basics', level: 'MUST', text: 'The project website succinctly describes what the software does.' },
  { id: 'interact', category: 'Basics', level: 'MUST', text: 'The website says how to obtain, give feedback and contribute.' },
  { id: 'contribution', category: 'Basics', level: 'MUST', text: 'Information on how to contribute is provided.' },
  { id: 'contribution_requirements', category: 'Basics', level: 'SHOULD', text: 'The contribution information states the requirements for acceptable contributions.' },
  { id: 'floss_license', category: 'Basics', level: 'MUST', text: 'The software is released as FLOSS.' },
  { id: 'floss_license_osi', category: 'Basics', level: 'SUGGESTED', text: 'The license is approved by the OSI.' },
  { id: 'license_location', category: 'Basics', level: 'MUST', text: 'The license is posted in a standard location of the repository.' },
  { id: 'documentation_basics', category: 'Basics', level: 'MUST', text: 'The project provides basic documentation.' },
  { id: 'documentation_interface', category: 'Basics', level: 'MUST', text: 'The project provides reference documentation of its external interface.' },
  { id: 'sites_https', category: 'Basics', level: 'MUST', text: 'The project sites support HTTPS.' },
  { id: 'discussion', category: 'Basics', level: 'MUST', text: 'The project has searchable, URL-addressable discussion mechanisms.' },
  { id: 'english', category: 'Basics', level: 'SHOULD', text: 'Documentation is in English and the project accepts reports in English.' },
  { id: 'maintained', category: 'Basics', level: 'MUST', text: 'The project is maintained.' },
  { id: 'repo_public', category: 'Change Control', level: 'MUST', text: 'The project has a publicly readable version-controlled repository.' },
  { id: 'repo_track', category: 'Change Control', level: 'MUST', text: 'The repository tracks what changed, who changed it and when.' },
  { id: 'repo_interim', category: 'Change Control', level: 'MUST', text: 'Interim versions between releases are in the repository.' },
  { id: 'repo_distributed', category: 'Change Control', level: 'SUGGESTED', text: 'Common distributed version control software is used.' },
  { id: 'version_unique', category: 'Change Control', level: 'MUST', text: 'Each release has a unique version identifier.' },
  { id: 'version_semver', category: 'Change Control', level: 'SUGGESTED', text: 'Semantic Versioning is used.' },
  { id: 'version_tags', category: 'Change Control', level: 'SUGGESTED', text: 'Releases are identified in version control (tags).' },
  { id: 'release_notes', category: 'Change Control', level: 'MUST', text: 'Each release has human-readable release notes.' },
  { id: 'release_notes_vulns', category: 'Change Control', level: 'MUST', text: 'Release notes identify the publicly known vulnerabilities fixed.' },
  { id: 'report_process', category: 'Reporting', level: 'MUST', text: 'There is a process for users to submit bug reports.' },
  { id: 'report_tracker', category: 'Reporting', level: 'SHOULD', text: 'An issue tracker is used.' },
  { id: 'report_responses', category: 'Reporting', level: 'MUST', text: 'Most bug reports of the last 2-12 months were acknowledged.' },
  { id: 'enhancement_responses', category: 'Reporting', level: 'SHOULD', text: 'Most enhancement requests of the last 2-12 months got a response.' },
  { id: 'report_archive', category: 'Reporting', level: 'MUST', text: 'There is a public, searchable archive of reports and responses.' },
  { id: 'vulnerability_report_process', category: 'Reporting', level: 'MUST', text: 'The process for reporting vulnerabilities is published.' },
  { id: 'vulnerability_report_private', category: 'Reporting', level: 'MUST', text: 'Vulnerabilities can be reported privately.' },
  { id: 'vulnerability_report_response', category: 'Reporting', level: 'MUST', text: 'Initial response to vulnerability reports within 14 days.' },
  { id: 'build', category: 'Quality', level: 'MUST', text: 'A working build system rebuilds the software from source (if it needs building).' },
  { id: 'build_common_tools', category: 'Quality', level: 'SUGGESTED', text: 'Common tools are used to build the software.' },
  { id: 'build_floss_tools', category: 'Quality', level: 'SHOULD', text: 'The software builds with FLOSS tools only.' },
  { id: 'test', category: 'Quality', level: 'MUST', text: 'There is an automated test suite, released as FLOSS.' },
  { id: 'test_invocation', category: 'Quality', level: 'SHOULD', text: 'The test suite is invocable in a standard way.' },
  { id: 'test_most', category: 'Quality', level: 'SUGGESTED', text: 'The test suite covers most of the code.' },
  { id: 'test_continuous_integration', category: 'Quality', level: 'SUGGESTED', text: 'Continuous integration runs the tests.' },
  { id: 'test_policy', category: 'Quality', level: 'MUST', text: 'There is a policy that major new functionality adds tests.' },
  { id: 'tests_are_added', category: 'Quality', level: 'MUST', text: 'Tests were added for recent major changes.' },
  { id: 'tests_documented_added', category: 'Quality', level: 'SUGGESTED', text: 'The test policy is documented in the contribution instructions.' },
  { id: 'warnings', category: 'Quality', level: 'MUST', text: 'Compiler warnings or a linter are enabled.' },
  { id: 'warnings_fixed', category: 'Quality', level: 'MUST', text: 'Warnings are addressed.' },
  { id: 'warnings_strict', category: 'Quality', level: 'SUGGESTED', text: 'Warnings are maximally strict where practical.' },
  { id: 'know_secure_design', category: 'Security', level: 'MUST', text: 'A primary developer knows how to design secure software.' },
  { id: 'know_common_errors', category: 'Security', level: 'MUST', text: 'A primary developer knows the common errors of this kind of software.' },
  { id: 'crypto_published', category: 'Security', level: 'MUST', text: 'Only publicly reviewed cryptographic algorithms are used by default.' },
  { id: 'crypto_call', category: 'Security', level: 'SHOULD', text: 'Cryptography is called through dedicated libraries, not re-implemented.' },
  { id: 'crypto_floss', category: 'Security', level: 'MUST', text: 'Cryptographic functionality is implementable with FLOSS.' },
  { id: 'crypto_keylength', category: 'Security', level: 'MUST', text: 'Default key lengths meet NIST minimums through 2030.' },
  { id: 'crypto_working', category: 'Security', level: 'MUST', text: 'No broken cryptographic algorithms (MD5, RC4, single DES) by default.' },
  { id: 'crypto_weaknesses', category: 'Security', level: 'SHOULD', text: 'No algorithms with known serious weaknesses (SHA-1, CBC in SSH) by default.' },
  { id: 'crypto_pfs', category: 'Security', level: 'SHOULD', text: 'Key agreement supports perfect forward secrecy.' },
  { id: 'crypto_password_storage', category: 'Security', level: 'MUST', text: 'Stored passwords use iterated salted hashes.' },
  { id: 'crypto_random', category: 'Security', level: 'MUST', text: 'Keys and nonces come from a cryptographically secure random generator.' },
  { id: 'delivery_mitm', category: 'Security', level: 'MUST', text: 'Delivery resists man-in-the-middle attacks (HTTPS, signatures).' },
  { id: 'delivery_unsigned', category: 'Security', level: 'MUST', text: 'Hashes are not retrieved over HTTP without a signature check.' },
  { id: 'vulnerabilities_fixed_60_days', category: 'Security', level: 'MUST', text: 'No unpatched vulnerability of medium or higher severity public for over 60 days.' },
  { id: 'vulnerabilities_critical_fixed', category: 'Security', level: 'SHOULD', text: 'Critical vulnerabilities are fixed rapidly.' },
  { id: 'no_leaked_credentials', category: 'Security', level: 'MUST', text: 'The public repositories do not leak valid private credentials.' },
  { id: 'static_analysis', category: 'Analysis', level: 'MUST', text: 'A static analysis tool is applied before major releases.' },
  { id: 'static_analysis_common_vulnerabilities', category: 'Analysis', level: 'SUGGESTED', text: 'The static analysis looks for common vulnerabilities.' },
  { id: 'static_analysis_fixed', category: 'Analysis', level: 'MUST', text: 'Medium and higher static-analysis findings are fixed promptly.' },
  { id: 'static_analysis_often', category: 'Analysis', level: 'SUGGESTED', text: 'Static analysis runs on every commit or daily.' },
  { id: 'dynamic_analysis', category: 'Analysis', level: 'SUGGESTED', text: 'A dynamic analysis tool is applied before major releases.' },
  { id: 'dynamic_analysis_unsafe', category: 'Analysis', level: 'SUGGESTED', text: 'Memory-unsafe code is checked with a memory-safety tool.' },
  { id: 'dynamic_analysis_enable_assertions', category: 'Analysis', level: 'SUGGESTED', text: 'Dynamic analysis enables many assertions.' },
  { id: 'dynamic_analysis_fixed', category: 'Analysis', level: 'MUST', text: 'Medium and higher dynamic-analysis findings are fixed promptly.' },
];

export interface Answer {
  id: string;
  status: BpStatus;
  /** Why, for people and for the badge app's justification field. */
  justification: string;
  evidence: Where[];
}

export interface Assessment {
  criterion: Criterion;
  /** What the repository shows; `?` when a person must answer. */
  evidence: Answer;
  /** What .bestpractices.json says, if anything. */
  recorded?: { status: BpStatus; justification?: string; byNodesec: boolean };
  /** A person's answer that the evidence contradicts. */
  conflict?: string;
}

const PREFIX = '[nodesec]';
const STATUS_VALUES: Record<string, BpStatus> = { met: 'Met', unmet: 'Unmet', 'n/a': 'N/A', '?': '?' };

export interface BestPracticesFile {
  path: string;
  data: Record<string, unknown>;
}

/** Reads `.bestpractices.json` (or `.project.d/bestpractices.json`), as the badge app does (50 KB cap). */
export async function readBestPractices(source: RepoSource): Promise<BestPracticesFile | undefined> {
  for (const path of ['.bestpractices.json', '.project.d/bestpractices.json']) {
    const b = await source.readFile(path);
    if (!b) continue;
    if (b.length > 50_000) throw new AppError('ERR_INPUT_TOO_LARGE', `${path} is over 50 KB, which the badge app ignores`, { file: path });
    let data: unknown;
    try {
      data = JSON.parse(b.toString('utf8'));
    } catch (cause) {
      throw new AppError('ERR_JSON_PARSE', `${path} is not valid JSON: ${(cause as Error).message}`, { file: path, cause });
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new AppError('ERR_CONFIG_INVALID', `${path} must be a JSON object of "<criterion>_status" / "<criterion>_justification" fields`, { file: path, pointer: '' });
    return { path, data: data as Record<string, unknown> };
  }
  return undefined;
}

async function text(source: RepoSource, path: string): Promise<string | undefined> {
  return (await source.readFile(path))?.toString('utf8');
}

const where = (file: string, line = 1): Where => ({ file, line });
const lineOf = (t: string, re: RegExp) => {
  const i = t.search(re);
  return i < 0 ? 1 : t.slice(0, i).split('\n').length;
};

const SECRET_PATTERNS: [string, RegExp][] = [
  ['private key', /-----BEGIN (RSA |EC |OPENSSH |DSA |PGP )?PRIVATE KEY( BLOCK)?-----/],
  ['AWS access key id', /\bAKIA[0-9A-Z]{16}\b/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ['npm token', /\bnpm_[A-Za-z0-9]{36}\b/],
  ['Slack token', /\bxox[baprs]-[A-Za-z0-9-]{10,}\b/],
];

/** What a person should check, for the criteria the repository cannot answer. */
const PERSON: Record<string, string> = {
  interact: 'check that the website or README says how to get the software, send feedback and contribute',
  discussion: 'GitHub issues and discussions count: confirm they are enabled and searchable',
  english: 'confirm reports in English are accepted',
  maintained: 'confirm the project is actively maintained (recent releases, answered issues)',
  repo_public: 'confirm the repository is public (a github.com URL answers it)',
  repo_interim: 'confirm work between releases is committed to the public repository, not only releases',
  release_notes_vulns: 'check that release notes name the CVEs fixed in each release',
  report_tracker: 'GitHub issues count: confirm they are enabled',
  report_responses: 'look at the issues of the last 2-12 months: were most bug reports acknowledged?',
  enhancement_responses: 'look at the feature requests of the last 2-12 months: did most get a response?',
  report_archive: 'GitHub issues are a public, searchable archive: confirm they are used',
  vulnerability_report_response: 'check that vulnerability reports of the last 6 months got a first response within 14 days',
  build: 'if the project needs building, check that a documented command rebuilds it (N/A for plain JavaScript)',
  test_most: 'look at the coverage report: does the suite cover most branches?',
  tests_are_added: 'look at recent major changes: did they come with tests?',
  warnings_fixed: 'check that linter and compiler warnings are fixed, not ignored',
  know_secure_design: 'a maintainer must state they know secure design principles',
  know_common_errors: 'a maintainer must state they know the common vulnerabilities of this kind of software',
  crypto_published: 'N/A if the project uses no cryptography; else list the algorithms',
  crypto_call: 'N/A if the project uses no cryptography; else confirm it calls node:crypto or a library',
  crypto_floss: 'N/A if the project uses no cryptography',
  crypto_keylength: 'N/A if the project uses no cryptography; else check default key sizes',
  crypto_working: 'N/A if the project uses no cryptography; else check no MD5/RC4/DES by default',
  crypto_weaknesses: 'N/A if the project uses no cryptography; else check no SHA-1 by default',
  crypto_pfs: 'N/A if the project does no key agreement',
  crypto_password_storage: 'N/A if the project stores no passwords; else check for scrypt/argon2/bcrypt',
  crypto_random: 'N/A if the project generates no keys or nonces; else check crypto.randomBytes / getRandomValues',
  delivery_mitm: 'npm serves over HTTPS and signs packages: confirm the project is delivered through it',
  delivery_unsigned: 'confirm no hash is fetched over plain HTTP to verify a download',
  static_analysis_fixed: 'check that medium and higher static-analysis findings are fixed promptly',
  dynamic_analysis_enable_assertions: 'check that tests run with assertions enabled',
  dynamic_analysis_fixed: 'check that medium and higher dynamic-analysis findings are fixed promptly',
};

/** What the repository shows for each criterion it can speak to. */
export async function gatherEvidence(source: RepoSource, extra: { vulnerabilities?: number; tags?: string[] } = {}): Promise<Map<string, Answer>> {
  const files = await source.listFiles();
  const has = (re: RegExp) => files.filter((f) => re.test(f));
  const out = new Map<string, Answer>();
  const set = (id: string, status: BpStatus, justification: string, evidence: Where[] = []) => out.set(id, { id, status, justification, evidence });

  const readme = has(/^readme(\.(md|markdown|rst|txt|adoc))?$/i)[0];
  const readmeText = readme ? (await text(source, readme)) ?? '' : '';
  const contributing = has(/^(\.github\/|docs\/)?contributing(\.(md|markdown|rst|txt|adoc))?$/i)[0];
  const contribText = contributing ? (await text(source, contributing)) ?? '' : '';
  const pkgText = files.includes('package.json') ? await text(source, 'package.json') : undefined;
  let pkg: Record<string, unknown> = {};
  try {
    pkg = pkgText ? (JSON.parse(pkgText) as Record<string, unknown>) : {};
  } catch {
    pkg = {};
  }
  const scripts = (typeof pkg.scripts === 'object' && pkg.scripts !== null ? pkg.scripts : {}) as Record<string, string>;

  // Basics
  if (readme && readmeText.replace(/\s+/g, ' ').length >= 200) set('description_good', 'Met', `${readme} describes the project`, [where(readme)]);
  if (readme && readmeText.replace(/\s+/g, ' ').length >= 200) set('documentation_basics', 'Met', `basic documentation in ${readme}`, [where(readme)]);
  if (contributing) set('contribution', 'Met', `contribution guide in ${contributing}`, [where(contributing)]);
  else if (/^#+\s*contribut/im.test(readmeText)) set('contribution', 'Met', `"Contributing" section in ${readme}`, [where(readme!, lineOf(readmeText, /^#+\s*contribut/im))]);
  if (contributing && /\b(test|lint|style|coding standard|sign-?off|DCO|commit message)/i.test(contribText)) {
    set('contribution_requirements', 'Met', `${contributing} states requirements for contributions`, [where(contributing, lineOf(contribText, /\b(test|lint|style|coding standard|sign-?off|DCO|commit message)/i))]);
  }
  const lic = await collectLicense(source);
  const lf = lic.files[0];
  if (lf) {
    const approved = lf.spdxId !== undefined && APPROVED.has(lf.spdxId);
    set('floss_license', approved ? 'Met' : '?', approved ? `${lf.spdxId} license in ${lf.location.file}` : `license in ${lf.location.file} not recognised: a person must check it is FLOSS`, [lf.location]);
    set('floss_license_osi', approved ? 'Met' : '?', approved ? `${lf.spdxId} is OSI approved` : 'license not recognised', [lf.location]);
    set('license_location', 'Met', `license file at ${lf.location.file}`, [lf.location]);
  } else if (typeof pkg.license === 'string' && APPROVED.has(pkg.license)) {
    set('floss_license', 'Met', `package.json declares ${pkg.license}`, [where('package.json', lineOf(pkgText ?? '', /"license"/))]);
    set('floss_license_osi', 'Met', `${pkg.license} is OSI approved`, [where('package.json', lineOf(pkgText ?? '', /"license"/))]);
    set('license_location', 'Unmet', 'package.json names the license but there is no LICENSE/COPYING file at the top of the repository');
  } else {
    set('floss_license', 'Unmet', 'no license file in the repository');
    set('license_location', 'Unmet', 'no LICENSE/COPYING file at the top of the repository');
  }
  if (has(/^docs?\//i).length > 0) set('documentation_interface', 'Met', 'reference documentation under docs/', [where(has(/^docs?\//i)[0]!)]);
  const urls = [pkg.homepage, (pkg.repository as { url?: string } | undefined)?.url ?? pkg.repository, (pkg.bugs as { url?: string } | undefined)?.url ?? pkg.bugs].filter((u): u is string => typeof u === 'string');
  if (urls.some((u) => /^http:\/\//i.test(u))) set('sites_https', 'Unmet', `package.json names an http:// site: ${urls.find((u) => /^http:\/\//i.test(u))}`, [where('package.json', lineOf(pkgText ?? '', /"http:\/\//))]);
  else if (urls.length > 0) set('sites_https', 'Met', `package.json sites use HTTPS (${urls.join(', ')})`, [where('package.json', lineOf(pkgText ?? '', /"(homepage|repository|bugs)"/))]);

  // Change control
  const isGit = files.length > 0 && (await source.headCommit?.()) !== undefined;
  if (isGit) {
    set('repo_track', 'Met', 'git records what changed, who changed it and when');
    set('repo_distributed', 'Met', 'git');
  }
  const version = typeof pkg.version === 'string' ? pkg.version : undefined;
  if (version) {
    set('version_unique', 'Met', `package.json version ${version}`, [where('package.json', lineOf(pkgText ?? '', /"version"/))]);
    if (/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(version)) set('version_semver', 'Met', `version ${version} is SemVer`, [where('package.json', lineOf(pkgText ?? '', /"version"/))]);
  }
  if (extra.tags && extra.tags.length > 0) set('version_tags', 'Met', `${extra.tags.length} release tags, e.g. ${extra.tags.slice(-3).join(', ')}`);
  const changelog = has(/^(changelog|changes|history|news|releases?)(\.(md|markdown|rst|txt))?$/i)[0];
  if (changelog) set('release_notes', 'Met', `release notes in ${changelog}`, [where(changelog)]);

  // Reporting
  const pol = await collectSecurityPolicy(source);
  const pf = pol.files[0];
  if (pf) {
    set('vulnerability_report_process', 'Met', `security policy in ${pf.location.file}`, [pf.location]);
    const policyText = (await text(source, pf.location.file)) ?? '';
    const priv = /(security\/advisories\/new|private vulnerability reporting|report a vulnerability|hackerone|@[a-z0-9.-]+\.[a-z]{2,})/i;
    if (priv.test(policyText)) set('vulnerability_report_private', 'Met', `${pf.location.file} gives a private channel`, [where(pf.location.file, lineOf(policyText, priv))]);
    else set('vulnerability_report_private', '?', `${pf.location.file} names no private channel nodesec recognises (e-mail, GitHub private reporting, HackerOne)`, [pf.location]);
  } else {
    set('vulnerability_report_process', 'Unmet', 'no SECURITY.md (or .github/ or docs/ security policy)');
  }
  if (pkg.bugs || /\/issues\b/.test(readmeText + contribText)) set('report_process', 'Met', pkg.bugs ? 'package.json "bugs" names the tracker' : 'the README or contribution guide links the issue tracker', pkg.bugs ? [where('package.json', lineOf(pkgText ?? '', /"bugs"/))] : []);

  // Quality
  const testScript = scripts.test;
  if (testScript && !/no test specified/.test(testScript)) {
    set('test', 'Met', `automated tests: "npm test" runs \`${testScript}\``, [where('package.json', lineOf(pkgText ?? '', /"test"\s*:/))]);
    set('test_invocation', 'Met', 'invoked with the standard `npm test`', [where('package.json', lineOf(pkgText ?? '', /"test"\s*:/))]);
  } else if (pkgText) set('test', 'Unmet', 'package.json has no test script');
  if (pkgText) {
    set('build_common_tools', 'Met', 'npm', [where('package.json')]);
    set('build_floss_tools', 'Met', 'Node.js and npm are FLOSS', [where('package.json')]);
    if (scripts.build) set('build', 'Met', `"npm run build" runs \`${scripts.build}\``, [where('package.json', lineOf(pkgText, /"build"\s*:/))]);
  }
  const wfs = await readWorkflows(source);
  const ciTest = wfs.workflows.flatMap((w) => w.jobs.flatMap((j) => j.steps.filter((s) => s.run && /\b(npm (run )?test|npm t\b|yarn test|pnpm (run )?test|node --test)/.test(s.run.value)).map((s) => ({ w, s }))))[0];
  if (ciTest) set('test_continuous_integration', 'Met', `${ciTest.w.path} runs the tests`, [where(ciTest.w.path, ciTest.s.run!.contentLine)]);
  if (contributing && /\btests?\b/i.test(contribText)) {
    set('test_policy', 'Met', `${contributing} asks for tests`, [where(contributing, lineOf(contribText, /\btests?\b/i))]);
    set('tests_documented_added', 'Met', `${contributing} documents the test policy`, [where(contributing, lineOf(contribText, /\btests?\b/i))]);
  }
  const lint = has(/(^|\/)(\.eslintrc(\.(js|cjs|json|yml|yaml))?|eslint\.config\.(js|mjs|cjs|ts)|biome\.jsonc?|\.jshintrc|tsconfig\.json|deno\.jsonc?)$/).filter((f) => !f.includes('node_modules/'))[0];
  if (lint || scripts.lint) set('warnings', 'Met', lint ? `linter/compiler configuration ${lint}` : `"npm run lint" runs \`${scripts.lint}\``, [where(lint ?? 'package.json')]);
  if (lint?.endsWith('tsconfig.json')) {
    const ts = (await text(source, lint)) ?? '';
    if (/"strict"\s*:\s*true/.test(ts)) set('warnings_strict', 'Met', `${lint} enables strict type checking`, [where(lint, lineOf(ts, /"strict"/))]);
  }

  // Security
  const leaks: Where[] = [];
  for (const f of files) {
    if (/(^|\/)node_modules\//.test(f) || /\.(png|jpe?g|gif|ico|woff2?|zip|gz|tgz|pdf)$/i.test(f)) continue;
    const testData = /(^|\/)(test|tests|__tests__|fixtures?|examples?|mocks?)\//i.test(f);
    if (/(^|\/)\.env(\.[a-z]+)?$/i.test(f) && !/\.(example|sample|template)$/i.test(f) && !testData) leaks.push({ file: f, line: 1, snippet: 'committed .env file' });
    const b = await source.readFile(f);
    if (!b || b.length > 1024 * 1024) continue;
    const t = b.toString('utf8');
    for (const [name, re] of SECRET_PATTERNS) {
      const m = re.exec(t);
      if (m && !testData) leaks.push({ file: f, line: lineOf(t, re), snippet: name });
    }
  }
  if (leaks.length) set('no_leaked_credentials', 'Unmet', `possible credentials: ${leaks.slice(0, 5).map((l) => `${l.snippet} in ${l.file}:${l.line}`).join(', ')}`, leaks);
  else set('no_leaked_credentials', 'Met', 'no private keys, cloud or registry tokens, or .env files found in the repository (pattern scan; tests and fixtures excluded)');
  if (extra.vulnerabilities === 0) {
    set('vulnerabilities_fixed_60_days', 'Met', 'nodesec audit finds no known vulnerability in the dependencies');
    set('vulnerabilities_critical_fixed', 'Met', 'nodesec audit finds no known vulnerability in the dependencies');
  } else if (extra.vulnerabilities !== undefined) {
    set('vulnerabilities_fixed_60_days', '?', `nodesec audit finds ${extra.vulnerabilities} known vulnerabilities in the dependencies; a person must check how long each has been public`);
  }
  const lockfile = has(/^(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml)$/)[0];
  if (lockfile) {
    const lt = (await text(source, lockfile)) ?? '';
    if (/"resolved":\s*"http:\/\/|resolved "http:\/\/|tarball: http:\/\//.test(lt)) set('delivery_mitm', 'Unmet', `${lockfile} resolves packages over plain http://`, [where(lockfile, lineOf(lt, /http:\/\//))]);
  }

  // Cryptography: with no cryptographic code or dependency at all, the crypto criteria are N/A.
  const CRYPTO_DEPS = /^(bcrypt(js)?|argon2|scrypt-js|jsonwebtoken|jose|node-forge|tweetnacl|libsodium(-wrappers)?|crypto-js|openpgp|elliptic|@noble\/.*|ssh2|node-jose|jwa|jws)$/;
  const deps = Object.keys({ ...(pkg.dependencies as object | undefined), ...(pkg.optionalDependencies as object | undefined), ...(pkg.peerDependencies as object | undefined) });
  const cryptoDep = deps.find((d) => CRYPTO_DEPS.test(d));
  let cryptoUse: Where | undefined;
  const CRYPTO_CODE = /(require\(\s*['"](node:)?crypto['"]\s*\)|from\s+['"](node:)?crypto['"]|\bcrypto\.subtle\b|\btls\.(connect|createServer)\b|\bcreate(Hash|Hmac|Cipheriv|Decipheriv|Sign|Verify)\s*\()/;
  let scanned = 0;
  for (const f of files) {
    if (cryptoUse || scanned >= 5000) break;
    if (!/\.(c|m)?(j|t)sx?$/.test(f) || /(^|\/)(node_modules|test|tests|__tests__|fixtures?|examples?|bench|benchmarks?)\//.test(f)) continue;
    scanned++;
    const t = (await source.readFile(f))?.subarray(0, 256 * 1024).toString('utf8') ?? '';
    if (CRYPTO_CODE.test(t)) cryptoUse = where(f, lineOf(t, CRYPTO_CODE));
  }
  const cryptoIds = ['crypto_published', 'crypto_call', 'crypto_floss', 'crypto_keylength', 'crypto_working', 'crypto_weaknesses', 'crypto_pfs', 'crypto_password_storage', 'crypto_random'];
  if (!cryptoDep && !cryptoUse && files.some((f) => /\.(c|m)?(j|t)sx?$/.test(f))) {
    for (const id of cryptoIds) set(id, 'N/A', 'no cryptography in the sources (no node:crypto, WebCrypto or TLS calls) and no cryptographic dependency');
  } else if (cryptoUse || cryptoDep) {
    const why = cryptoUse ? `cryptography used at ${cryptoUse.file}:${cryptoUse.line}` : `cryptographic dependency ${cryptoDep}`;
    for (const id of cryptoIds) set(id, '?', `needs a person: ${why}; ${PERSON[id]?.replace(/^N\/A if [^;]*; else /, '') ?? 'review it'}`, cryptoUse ? [cryptoUse] : [where('package.json', lineOf(pkgText ?? '', new RegExp(`"${cryptoDep}"`)))]);
  }

  // Analysis
  const sast = await collectSast(source);
  if (sast.workflows.length) {
    const s = sast.workflows[0]!;
    set('static_analysis', 'Met', `${s.tool} runs in ${s.location.file}`, [s.location]);
    if (s.tool === 'CodeQL') set('static_analysis_common_vulnerabilities', 'Met', 'CodeQL queries target common vulnerabilities (CWE)', [s.location]);
    const wf = wfs.workflows.find((w) => w.path === s.location.file);
    if (wf && wf.triggers.some((t) => t === 'push' || t === 'pull_request' || t === 'schedule')) set('static_analysis_often', 'Met', `${wf.path} runs on ${wf.triggers.join(', ')}`, [s.location]);
  } else if (lint) set('static_analysis', 'Met', `linting/type checking with ${lint} (a person should confirm it runs before releases)`, [where(lint)]);
  const fuzz = await collectFuzzing(source);
  if (fuzz.fuzzers.length) set('dynamic_analysis', 'Met', `${fuzz.fuzzers.map((f) => f.name).join(', ')}`, fuzz.fuzzers.flatMap((f) => f.files.slice(0, 1)));
  const unsafeLangs = files.some((f) => /\.(c|cc|cpp|cxx|h|hpp)$/i.test(f) && !/(^|\/)(node_modules|deps|vendor|third_party)\//.test(f));
  if (!unsafeLangs && files.some((f) => /\.(js|mjs|cjs|ts)$/.test(f))) set('dynamic_analysis_unsafe', 'N/A', 'no memory-unsafe language (C/C++) in the repository');
  const dut = await collectDependencyUpdateTool(source);
  if (dut.tools.length) {
    const prev = out.get('vulnerabilities_critical_fixed');
    if (!prev) set('vulnerabilities_critical_fixed', '?', `${dut.tools[0]!.name} proposes dependency fixes (${dut.tools[0]!.location.file}); a person confirms critical issues are fixed quickly`, [dut.tools[0]!.location]);
  }
  return out;
}

export async function assess(source: RepoSource, extra: { vulnerabilities?: number; tags?: string[] } = {}): Promise<{ file?: BestPracticesFile; items: Assessment[] }> {
  const [file, evidence] = await Promise.all([readBestPractices(source), gatherEvidence(source, extra)]);
  const items = CRITERIA.map((c): Assessment => {
    const ev = evidence.get(c.id) ?? { id: c.id, status: '?' as BpStatus, justification: `needs a person: ${PERSON[c.id] ?? 'the repository cannot show this'}`, evidence: [] };
    const a: Assessment = { criterion: c, evidence: ev };
    const rawStatus = file?.data[`${c.id}_status`];
    if (typeof rawStatus === 'string' && STATUS_VALUES[rawStatus.trim().toLowerCase()]) {
      const just = file?.data[`${c.id}_justification`];
      const justification = typeof just === 'string' ? just : undefined;
      a.recorded = { status: STATUS_VALUES[rawStatus.trim().toLowerCase()]!, ...(justification !== undefined && { justification }), byNodesec: justification?.startsWith(PREFIX) === true };
      if (!a.recorded.byNodesec && ev.status !== '?' && a.recorded.status !== '?' && a.recorded.status !== ev.status) {
        a.conflict = `recorded ${a.recorded.status}, but the repository shows ${ev.status}: ${ev.justification}`;
      }
    }
    return a;
  });
  return { ...(file && { file }), items };
}

/** The updated `.bestpractices.json`: nodesec's answers where no person answered; people's answers kept. */
export function updatedFile(previous: Record<string, unknown> | undefined, items: readonly Assessment[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(previous ?? {}) };
  for (const a of items) {
    if (a.recorded && !a.recorded.byNodesec && a.recorded.status !== '?') continue;
    if (a.evidence.status === '?') continue;
    const ev = a.evidence.evidence.slice(0, 3).map((w) => `${w.file}${w.line && w.line > 1 ? `:${w.line}` : ''}`);
    out[`${a.criterion.id}_status`] = a.evidence.status;
    out[`${a.criterion.id}_justification`] = `${PREFIX} ${a.evidence.justification}${ev.length ? ` (${ev.join(', ')})` : ''}`;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
