/**
 * Request bodies sent with `content-encoding: gzip` (npm's bulk audit) or `deflate`/`br`:
 * decompressed in a preParsing hook. Fastify counts the decompressed bytes against the route's
 * body limit, so a zip bomb stops at the limit (413), and `receivedEncodedLength` keeps the
 * content-length check on the bytes actually sent.
 */
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../core/errors.ts';

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

export function installContentEncoding(app: FastifyInstance): void {
  app.addHook('preParsing', async (req, _reply, payload) => {
    const enc = req.headers['content-encoding']?.trim().toLowerCase();
    if (!enc || enc === 'identity') return payload;
    const make = DECODERS[enc];
    if (!make) {
      throw new AppError('ERR_HUB_UNSUPPORTED_MEDIA_TYPE', `unsupported content-encoding "${enc}": send gzip, deflate, br or identity`);
    }
    const decoder = make() as Transform & { receivedEncodedLength?: number };
    decoder.receivedEncodedLength = 0;
    payload.on('data', (chunk: Buffer) => {
      decoder.receivedEncodedLength! += chunk.length;
    });
    // a corrupt stream is the client's mistake: 400, not 500
    decoder.on('error', (err: Error & { statusCode?: number; code?: string }) => {
      err.statusCode = 400;
    });
    payload.on('error', (err) => decoder.destroy(err));
    return payload.pipe(decoder);
  });
}
