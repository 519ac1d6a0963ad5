/**
 * Worker thread of the extraction pool (scan.ts): receives `{ id, file, maxBytes }`, answers
 * `{ id, outcome }`. Parsing dominates large scans, so files are spread over
 * `os.availableParallelism()` of these.
 */
import { parentPort } from 'node:worker_threads';
import { extractFile } from './file.ts';

parentPort?.on('message', (msg: { id: number; file: string; maxBytes: number }) => {
  parentPort!.postMessage({ id: msg.id, outcome: extractFile(msg.file, msg.maxBytes) });
});
