/**
 * Feeds for mirrors and scanners:
 *   GET /v1/changes?since=<cursor>&limit=<n>   every change to published advisories after the
 *       cursor (inserts, updates, merges, withdrawals) in commit order; `next` is the cursor to
 *       ask with next time, `more` says whether to ask again at once.
 *   GET /v1/export/all.zip                     every published record (withdrawn ones too) as
 *       `<id>.json`, like OSV's bucket exports; `/v1/export/<ecosystem>/all.zip` per ecosystem.
 *       Files are valid standalone OSV (toExportOsv): `x_NSWG-ECO-1.json` for hub ids.
 * The zip is streamed (fflate) while the store pages through the records, so memory stays flat.
 */
import { PassThrough } from 'node:stream';
import { PROBLEM_RESPONSES } from '../problem.ts';
import { requireStore } from '../store-adapter.ts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Zip, ZipDeflate } from 'fflate';
import type { OsvRecord } from '../../core/osv.ts';
import { idFileName, toExportOsv } from '../../advisory/export.ts';

const problems = PROBLEM_RESPONSES;

const ChangeSchema = {
  type: 'object',
  properties: {
    seq: { type: 'string' },
    kind: { type: 'string' },
    id: { type: 'string' },
    into: { type: 'string' },
    modified: { type: 'string' },
    at: { type: 'string' },
  },
} as const;

export default async function feedRoutes(app: FastifyInstance): Promise<void> {
  const store = () => requireStore(app);

  app.get<{ Querystring: { since?: string; limit?: string } }>('/v1/changes', {
    schema: {
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: { since: { type: 'string', pattern: '^(0|[1-9][0-9]{0,18})$' }, limit: { type: 'string', pattern: '^[1-9][0-9]{0,4}$' } },
      },
      response: {
        200: { type: 'object', properties: { changes: { type: 'array', items: ChangeSchema }, next: { type: 'string' }, more: { type: 'boolean' } } },
        ...problems,
      },
    },
  }, async (req) => {
    const limit = Math.min(Number(req.query.limit ?? 1000), 10_000);
    const page = await store().advisories.changesSince(req.query.since ?? '0', limit);
    return {
      changes: page.changes.map((c) => ({ seq: c.seq, kind: c.kind, id: c.id, ...(c.into && { into: c.into }), modified: c.modified, at: c.at.toISOString() })),
      next: page.next,
      more: page.more,
    };
  });

  const exportZip = async (reply: FastifyReply, ecosystem: string | undefined) => {
    const s = store();
    // Fail before the first byte when the store is away (a 503, not a truncated zip).
    await s.advisories.cursor();
    const out = new PassThrough();
    const zip = new Zip((err, chunk, final) => {
      if (err) return void out.destroy(err);
      out.write(chunk);
      if (final) out.end();
    });
    const name = ecosystem ? `${ecosystem}-all.zip` : 'all.zip';
    void reply.type('application/zip').header('content-disposition', `attachment; filename="${name}"`);
    void (async () => {
      try {
        for await (const r of s.advisories.exportAll({ includeWithdrawn: true }) as AsyncIterable<OsvRecord>) {
          if (ecosystem && !r.affected?.some((a) => a.package?.ecosystem.toLowerCase() === ecosystem.toLowerCase())) continue;
          // standalone OSV files, as `db export --format osv` writes them: ids without a
          // registered prefix become `x_<id>` (the id stays an alias), Node.js core → GIT package
          const osv = toExportOsv(r);
          const file = new ZipDeflate(idFileName(osv.id), { level: 6 });
          zip.add(file);
          file.push(Buffer.from(JSON.stringify(osv, null, 2)), true);
          // let the socket drain
          if (out.writableNeedDrain) await new Promise((res) => out.once('drain', res));
        }
        zip.end();
      } catch (err) {
        app.log.error({ err }, 'export failed mid-stream');
        out.destroy(err as Error);
      }
    })();
    return reply.send(out);
  };

  app.get('/v1/export/all.zip', { schema: { response: problems } }, async (_req, reply) => exportZip(reply, undefined));
  app.get<{ Params: { ecosystem: string } }>('/v1/export/:ecosystem/all.zip', {
    schema: { params: { type: 'object', additionalProperties: false, required: ['ecosystem'], properties: { ecosystem: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' } } }, response: problems },
  }, async (req, reply) => exportZip(reply, req.params.ecosystem));
}
