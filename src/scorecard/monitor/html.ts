/**
 * A self-contained HTML report of a monitor database: the org-wide trend (mean score of the
 * repositories in scope over time, with the min-max band), then one card per repository with
 * its score history, per-check sparklines when the history carries per-check scores, and the
 * list of check changes with the commit each appeared at. Charts are inline SVG; no scripts,
 * no external resources.
 */
import { checkChanges, history, type Database, type Scope, type ScoreEntry } from './database.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const t = (d: string) => Date.parse(d.length === 10 ? `${d}T00:00:00Z` : d);
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Series {
  points: { x: number; y: number; label: string }[];
}

function chart(series: Series[], o: { width: number; height: number; band?: { x: number; lo: number; hi: number }[]; fit?: boolean; axes?: boolean; color?: string[] }): string {
  const pad = o.axes ? { l: 28, r: 8, t: 8, b: 20 } : { l: 2, r: 2, t: 2, b: 2 };
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return `<svg width="${o.width}" height="${o.height}" role="img"><text x="4" y="${o.height / 2}" class="muted">no data</text></svg>`;
  let x0 = Math.min(...all.map((p) => p.x));
  let x1 = Math.max(...all.map((p) => p.x));
  if (x0 === x1) (x0 -= 86_400_000), (x1 += 86_400_000);
  // Sparklines (fit) use the series' own range, so that small moves show; full charts use 0-10.
  const ys = all.map((p) => p.y);
  const yMin = o.fit ? Math.max(0, Math.min(...ys) - 0.5) : 0;
  const yMax = o.fit ? Math.min(10, Math.max(...ys) + 0.5) : 10;
  const w = o.width - pad.l - pad.r;
  const h = o.height - pad.t - pad.b;
  const X = (x: number) => pad.l + ((x - x0) / (x1 - x0)) * w;
  const Y = (y: number) => pad.t + h - ((Math.max(0, y) - yMin) / (yMax - yMin)) * h;
  let svg = `<svg viewBox="0 0 ${o.width} ${o.height}" width="${o.width}" height="${o.height}" role="img" xmlns="http://www.w3.org/2000/svg">`;
  if (o.axes) {
    for (const g of [0, 2.5, 5, 7.5, 10]) svg += `<line x1="${pad.l}" x2="${o.width - pad.r}" y1="${Y(g).toFixed(1)}" y2="${Y(g).toFixed(1)}" class="grid"/><text x="${pad.l - 4}" y="${(Y(g) + 3).toFixed(1)}" text-anchor="end" class="tick">${g}</text>`;
    svg += `<text x="${pad.l}" y="${o.height - 4}" class="tick">${day(x0)}</text><text x="${o.width - pad.r}" y="${o.height - 4}" text-anchor="end" class="tick">${day(x1)}</text>`;
  }
  if (o.band && o.band.length > 1) {
    const top = o.band.map((b) => `${X(b.x).toFixed(1)},${Y(b.hi).toFixed(1)}`);
    const bottom = [...o.band].reverse().map((b) => `${X(b.x).toFixed(1)},${Y(b.lo).toFixed(1)}`);
    svg += `<polygon points="${[...top, ...bottom].join(' ')}" class="band"/>`;
  }
  series.forEach((s, i) => {
    const color = o.color?.[i] ?? '#2563eb';
    // A step line: a score holds until the next recorded change.
    let d = '';
    s.points.forEach((p, k) => {
      d += k === 0 ? `M${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}` : `H${X(p.x).toFixed(1)}V${Y(p.y).toFixed(1)}`;
    });
    if (s.points.length === 1) d += `H${X(x1).toFixed(1)}`;
    svg += `<path d="${d}" fill="none" stroke="${color}" stroke-width="${o.axes ? 2 : 1.5}"/>`;
    if (o.axes) for (const p of s.points) svg += `<circle cx="${X(p.x).toFixed(1)}" cy="${Y(p.y).toFixed(1)}" r="3" fill="${color}"><title>${esc(p.label)}</title></circle>`;
  });
  return `${svg}</svg>`;
}

const scoreClass = (s: number) => (s < 0 ? 'na' : s >= 8 ? 'good' : s >= 5 ? 'mid' : 'bad');

export function renderHtml(db: Database, o: { scope?: Scope; now: Date; title?: string }): string {
  const repos: { org: string; repo: string; entries: ScoreEntry[] }[] = [];
  for (const [org, rs] of Object.entries(db['github.com'])) {
    const inScope = o.scope?.['github.com'][org]?.included;
    for (const [repo, h] of Object.entries(rs)) {
      if (inScope && !inScope.includes(repo)) continue;
      const entries = history(h).filter((e) => !Number.isNaN(t(e.date))).sort((a, b) => t(a.date) - t(b.date));
      if (entries.length) repos.push({ org, repo, entries });
    }
  }
  repos.sort((a, b) => b.entries.at(-1)!.score - a.entries.at(-1)!.score || a.repo.localeCompare(b.repo));
  // Org trend: at every date where some repository changed, the scores then in force.
  const dates = [...new Set(repos.flatMap((r) => r.entries.map((e) => t(e.date))))].sort((a, b) => a - b);
  const trend: { x: number; y: number; label: string }[] = [];
  const band: { x: number; lo: number; hi: number }[] = [];
  for (const d of dates) {
    const vals = repos.map((r) => [...r.entries].reverse().find((e) => t(e.date) <= d)?.score).filter((v): v is number => v !== undefined);
    if (!vals.length) continue;
    const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
    trend.push({ x: d, y: mean, label: `${day(d)}: mean ${mean.toFixed(2)} over ${vals.length} repositories` });
    band.push({ x: d, lo: Math.min(...vals), hi: Math.max(...vals) });
  }
  const latest = repos.map((r) => r.entries.at(-1)!.score);
  const mean = latest.length ? latest.reduce((a, b) => a + b, 0) / latest.length : 0;
  let body = `<header><h1>${esc(o.title ?? 'OpenSSF Scorecard history')}</h1><p class="muted">${repos.length} repositories, generated ${esc(o.now.toISOString())} by nodesec scorecard monitor.</p></header>`;
  body += `<section class="card wide"><h2>Organisation trend</h2><p>Mean score now <b>${mean.toFixed(2)}</b>; the band spans the lowest to the highest repository score.</p>${chart([{ points: trend }], { width: 900, height: 260, band, axes: true })}</section>`;
  body += '<section class="table card wide"><h2>Repositories</h2><table><thead><tr><th>Repository</th><th>Score</th><th>Change</th><th>Since</th><th>Commit</th><th>Trend</th></tr></thead><tbody>';
  for (const r of repos) {
    const cur = r.entries.at(-1)!;
    const prev = r.entries.at(-2);
    const diff = prev ? Number.parseFloat((cur.score - prev.score).toFixed(1)) : 0;
    body += `<tr><td><a href="#${esc(`${r.org}-${r.repo}`)}">${esc(`${r.org}/${r.repo}`)}</a></td><td class="${scoreClass(cur.score)}">${cur.score}</td><td class="${diff > 0 ? 'up' : diff < 0 ? 'down' : ''}">${diff > 0 ? '+' : ''}${diff}</td><td>${esc(cur.date.slice(0, 10))}</td><td><code>${esc(cur.commit.slice(0, 7))}</code></td><td>${chart([{ points: r.entries.map((e) => ({ x: t(e.date), y: e.score, label: `${e.date}: ${e.score}` })) }], { width: 160, height: 28, fit: true })}</td></tr>`;
  }
  body += '</tbody></table></section>';
  for (const r of repos) {
    const id = `${r.org}-${r.repo}`;
    const cur = r.entries.at(-1)!;
    body += `<section class="card" id="${esc(id)}"><h2><a href="https://github.com/${esc(r.org)}/${esc(r.repo)}">${esc(`${r.org}/${r.repo}`)}</a> <span class="${scoreClass(cur.score)}">${cur.score}</span></h2>`;
    body += chart([{ points: r.entries.map((e) => ({ x: t(e.date), y: e.score, label: `${e.date} ${e.commit.slice(0, 7)}: ${e.score}` })) }], { width: 420, height: 160, axes: true });
    const withChecks = r.entries.filter((e) => e.checks);
    if (withChecks.length) {
      const names = [...new Set(withChecks.flatMap((e) => Object.keys(e.checks!)))].sort();
      body += '<div class="checks">';
      for (const n of names) {
        const pts = withChecks.filter((e) => e.checks![n] !== undefined && e.checks![n]! >= 0).map((e) => ({ x: t(e.date), y: e.checks![n]!, label: `${n} ${e.date}: ${e.checks![n]}` }));
        const last = cur.checks?.[n];
        body += `<div class="check"><span>${esc(n)}</span><b class="${scoreClass(last ?? -1)}">${last === undefined || last < 0 ? '?' : last}</b>${chart([{ points: pts }], { width: 110, height: 22, fit: true, color: ['#64748b'] })}</div>`;
      }
      body += '</div>';
      const changes = r.entries.slice(1).flatMap((e, i) => checkChanges(r.entries[i], e));
      if (changes.length) {
        body += '<details><summary>What changed</summary><table><thead><tr><th>Date</th><th>Check</th><th>Before</th><th>After</th><th>Commit</th></tr></thead><tbody>';
        for (const c of changes.reverse()) {
          const f = (v: number | undefined) => (v === undefined ? '—' : v < 0 ? '?' : String(v));
          body += `<tr><td>${esc(c.date.slice(0, 10))}</td><td>${esc(c.check)}</td><td>${f(c.from)}</td><td class="${(c.to ?? 0) > (c.from ?? 0) ? 'up' : 'down'}">${f(c.to)}</td><td><a href="https://github.com/${esc(r.org)}/${esc(r.repo)}/commit/${esc(c.commit)}"><code>${esc(c.commit.slice(0, 7))}</code></a></td></tr>`;
        }
        body += '</tbody></table></details>';
      }
    }
    body += '</section>';
  }
  const css = `body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#0f172a;background:#f8fafc}h1{margin:0 0 4px}h2{font-size:16px;margin:0 0 8px}
.muted{color:#64748b}.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:14px;margin:12px 0;display:inline-block;vertical-align:top;margin-right:12px}
.wide{display:block}table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #f1f5f9;text-align:left}th{font-weight:600;color:#475569}
.good{color:#15803d;font-weight:600}.mid{color:#b45309;font-weight:600}.bad{color:#b91c1c;font-weight:600}.na{color:#94a3b8}.up{color:#15803d}.down{color:#b91c1c}
.grid{stroke:#e2e8f0}.tick{font-size:10px;fill:#64748b}.band{fill:#bfdbfe;opacity:.5}.checks{display:grid;grid-template-columns:repeat(2,1fr);gap:2px 16px;margin-top:8px}
.check{display:flex;align-items:center;gap:6px;font-size:12px}.check span{flex:1}.check b{width:18px;text-align:right}summary{cursor:pointer;margin-top:8px;color:#334155}`;
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(o.title ?? 'OpenSSF Scorecard history')}</title><style>${css}</style></head><body>${body}</body></html>\n`;
}
