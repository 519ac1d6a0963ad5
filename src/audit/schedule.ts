/**
 * The Node.js release schedule (nodejs/Release's schedule.json format): from `--schedule <file|url>`,
 * else the copy shipped in the `node-releases` package (offline, as fresh as the installed
 * package; `npm update node-releases` refreshes it).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { AppError, parseJson } from '../core/errors.ts';
import { scheduleProblem, type Schedule } from './node.ts';

export interface LoadedSchedule {
  schedule: Schedule;
  location: string;
}

export async function loadSchedule(spec: string | undefined, opts: { cwd: string; fetch: typeof fetch; signal?: AbortSignal }): Promise<LoadedSchedule> {
  let raw: unknown;
  let location: string;
  if (!spec) {
    const require = createRequire(import.meta.url);
    location = require.resolve('node-releases/data/release-schedule/release-schedule.json');
    raw = parseJson(await readFile(location, 'utf8'), location);
  } else if (/^https?:\/\//i.test(spec)) {
    location = spec;
    let res: Response;
    try {
      res = await opts.fetch(spec, { signal: AbortSignal.any([AbortSignal.timeout(15_000), ...(opts.signal ? [opts.signal] : [])]) });
    } catch (cause) {
      throw new AppError('ERR_UPSTREAM_UNREACHABLE', `cannot fetch the release schedule from ${spec}: ${(cause as Error).message}`, { cause, hint: 'pass a local copy with --schedule <file>' });
    }
    if (!res.ok) throw new AppError('ERR_UPSTREAM_HTTP', `release schedule ${spec} answered HTTP ${res.status}`, { hint: 'pass a local copy with --schedule <file>' });
    raw = parseJson(await res.text(), spec);
  } else {
    location = resolve(opts.cwd, spec);
    let text: string;
    try {
      text = await readFile(location, 'utf8');
    } catch (cause) {
      throw new AppError('ERR_INPUT_NOT_FOUND', `cannot read the release schedule ${spec}: ${(cause as Error).message}`, { file: spec, cause });
    }
    raw = parseJson(text, spec);
  }
  const problem = scheduleProblem(raw);
  if (problem) throw new AppError('ERR_CONFIG_INVALID', `not a Node.js release schedule: ${problem}`, { file: location, hint: 'the format is nodejs/Release schedule.json: { "v20": { "start": "...", "lts": "...", "maintenance": "...", "end": "..." } }' });
  return { schedule: raw as Schedule, location };
}
