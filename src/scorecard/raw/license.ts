/**
 * Raw data of License (checks/raw/license.go). Scorecard asks GitHub's license API (licensee)
 * for the repository's license file and SPDX id, and falls back to file-name heuristics: a
 * LICENSE/LICENCE/COPYING/COPYRIGHT file (any of licensee's extensions) at the top level or a
 * file in LICENSES/. Offline we find the file the same way and identify the license from its
 * text, so that a recognised license scores as it does through the API.
 */
import type { RepoSource, Where } from '../types.ts';

export interface LicenseRaw {
  files: { location: Where; spdxId?: string; attribution: 'repo' | 'heuristics' }[];
}

// raw/license.go reLicenseFile: matched against the whole relative path, anchored at its start,
// so only top-level files (or a LICENSES/ or COPYRIGHT/ folder) qualify.
const RE_LICENSE_FILE = /(^patent(s)|^copy(ing|right)|^(un|^(afl|apache|apsl|artistic|(0)?bsd|cc([0-])|efl|epl|eupl|([al])?gpl|mit|mpl)([-_])?)?licen[sc]e(s)?)/gi;

/** raw/license.go checkLicense: a match that is the whole name or is followed by `.`, `/`, `_` or `-`. */
export function isLicenseFile(path: string): boolean {
  let proper = false;
  for (const m of path.matchAll(RE_LICENSE_FILE)) {
    proper = true;
    const end = m.index + m[0].length;
    if (m[0].length !== path.length && path.length > end && !'./_-'.includes(path[end]!)) proper = false;
  }
  return proper;
}

/** FSF or OSI approved SPDX ids that we can recognise. */
export const APPROVED = new Set(['MIT', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', 'ISC', 'GPL-2.0', 'GPL-3.0', 'LGPL-2.1', 'LGPL-3.0', 'AGPL-3.0', 'MPL-2.0', 'Unlicense', '0BSD', 'EPL-2.0', 'Zlib', 'Artistic-2.0', 'BSL-1.0', 'CC0-1.0', 'EUPL-1.2']);

/** Identifies a license text by its distinctive sentences. */
export function identifyLicense(text: string, fileName = ''): string | undefined {
  const t = text.replace(/\s+/g, ' ');
  const id = /SPDX-License-Identifier:\s*([A-Za-z0-9.+-]+)/.exec(t)?.[1];
  if (id) return id.replace(/-only$|-or-later$/, '');
  if (/Permission is hereby granted, free of charge, to any person obtaining a copy/i.test(t)) return 'MIT';
  if (/Apache License,? Version 2\.0/i.test(t)) return 'Apache-2.0';
  if (/GNU AFFERO GENERAL PUBLIC LICENSE/i.test(t)) return 'AGPL-3.0';
  if (/GNU LESSER GENERAL PUBLIC LICENSE/i.test(t)) return /Version 2\.1/i.test(t) ? 'LGPL-2.1' : 'LGPL-3.0';
  if (/GNU GENERAL PUBLIC LICENSE/i.test(t)) return /Version 3/i.test(t) ? 'GPL-3.0' : 'GPL-2.0';
  if (/Mozilla Public License,? (version|v\.?) ?2\.0/i.test(t)) return 'MPL-2.0';
  if (/This is free and unencumbered software released into the public domain/i.test(t)) return 'Unlicense';
  if (/Permission to use, copy, modify, and(\/or)? distribute this software for any purpose with or without fee is hereby granted/i.test(t)) {
    return /provided that the above copyright notice/i.test(t) ? 'ISC' : '0BSD';
  }
  if (/Redistribution and use in source and binary forms/i.test(t)) {
    return /Neither the name|endorse or promote/i.test(t) ? 'BSD-3-Clause' : 'BSD-2-Clause';
  }
  if (/Eclipse Public License - v 2\.0/i.test(t)) return 'EPL-2.0';
  if (/Boost Software License - Version 1\.0/i.test(t)) return 'BSL-1.0';
  if (/CC0 1\.0 Universal/i.test(t)) return 'CC0-1.0';
  const fromName = /licen[cs]e[-.]([A-Za-z0-9.-]+?)(\.txt|\.md)?$/i.exec(fileName)?.[1];
  if (fromName) {
    const hit = [...APPROVED].find((a) => a.toLowerCase() === fromName.toLowerCase());
    if (hit) return hit;
  }
  return undefined;
}

export async function collectLicense(source: RepoSource): Promise<LicenseRaw> {
  const candidates = (await source.listFiles()).filter(isLicenseFile);
  // licensee prefers a top-level LICENSE; take the first top-level one, else LICENSES/*.
  candidates.sort((a, b) => Number(a.includes('/')) - Number(b.includes('/')) || a.localeCompare(b));
  const first = candidates[0];
  if (!first) return { files: [] };
  const text = (await source.readFile(first))?.toString('utf8') ?? '';
  const spdxId = identifyLicense(text, first.slice(first.lastIndexOf('/') + 1));
  return { files: [{ location: { file: first, line: 1 }, ...(spdxId && { spdxId }), attribution: first.includes('/') ? 'heuristics' : 'repo' }] };
}
