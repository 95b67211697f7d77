// Show markdown files the way GitHub does, in Debian's Chromium, and report what broke.
//
//   node tools/render-check/render.mjs OUT_DIR FILE.md[:SHOTS] ...
//
// Each file is turned into HTML by cmark-gfm with GitHub's extensions, styled with
// github-markdown-css in a 1012 px column, and every ```mermaid block is drawn by mermaid 11
// (and, for files marked with "10", by mermaid 10 too, as renderers that lag behind draw it).
// Fails (exit 1) on a mermaid block that does not parse or draw, or a table row whose cell
// count differs from its header's. With SHOTS ("shots" or "10"), writes OUT_DIR/NAME-top.png
// (the first screen) and OUT_DIR/NAME-mermaid-K.png (each chart). Writes OUT_DIR/results.json.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const puppeteer = require('puppeteer-core');
const here = path.dirname(new URL(import.meta.url).pathname);
const modules = path.join(here, 'node_modules');
const css = fs.readFileSync(path.join(modules, 'github-markdown-css/github-markdown-light.css'), 'utf8');
const mermaidJs = {
  11: path.join(modules, 'mermaid/dist/mermaid.min.js'),
  10: path.join(modules, 'mermaid10/dist/mermaid.min.js'),
};

const [outDir, ...files] = process.argv.slice(2);
fs.mkdirSync(outDir, { recursive: true });

function toHtml(file) {
  // as GitHub: tables, strikethrough, autolinks, task lists; raw HTML kept but filtered;
  // fenced blocks as <pre lang="...">
  return execFileSync('cmark-gfm', ['--unsafe', '--github-pre-lang', '-e', 'table', '-e', 'strikethrough',
    '-e', 'autolink', '-e', 'tagfilter', '-e', 'tasklist', file], { maxBuffer: 1 << 28 }).toString();
}

function page(body) {
  return `<!doctype html><html><head><meta charset="utf-8"><style>${css}
body{margin:0;background:#fff}
.markdown-body{box-sizing:border-box;max-width:1012px;margin:0 auto;padding:32px 45px}
.mermaid-drawn{text-align:center}
</style></head><body><article class="markdown-body">${body}</article></body></html>`;
}

// runs in the page: draw each mermaid block in place, count each table's cells
async function drawAndCount() {
  const results = { mermaid: [], tables: [] };
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default' });
  const blocks = [...document.querySelectorAll('pre[lang="mermaid"]')];
  for (const [k, pre] of blocks.entries()) {
    const source = pre.textContent;
    const rec = { index: k, firstLine: source.split('\n').find((l) => l.trim() && !l.startsWith('%%')) };
    try {
      await mermaid.parse(source);
      rec.parse = 'ok';
    } catch (e) {
      rec.parse = String((e && e.message) || e).slice(0, 400);
    }
    const holder = document.createElement('div');
    holder.className = 'mermaid-drawn';
    holder.id = `chart-${k}`;
    pre.replaceWith(holder);
    try {
      const { svg } = await mermaid.render(`m${k}`, source);
      holder.innerHTML = svg;
      rec.render = /aria-roledescription="error"|Syntax error in text/.test(svg) ? 'drew an error' : 'ok';
      const box = holder.querySelector('svg').getBoundingClientRect();
      rec.width = Math.round(box.width);
      rec.height = Math.round(box.height);
    } catch (e) {
      rec.render = String((e && e.message) || e).slice(0, 400);
      document.getElementById(`dm${k}`)?.remove();
    }
    results.mermaid.push(rec);
  }
  for (const [k, table] of [...document.querySelectorAll('article table')].entries()) {
    const header = table.querySelectorAll('thead tr th').length;
    const bad = [...table.querySelectorAll('tbody tr')].filter((tr) => tr.children.length !== header).length;
    results.tables.push({ index: k, header, bad });
  }
  results.height = document.body.scrollHeight;
  return results;
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none'],
  protocolTimeout: 600_000,
});
const problems = [];
const all = {};
try {
  for (const spec of files) {
    const [file, shots] = spec.split(':');
    const versions = shots === '10' ? [11, 10] : [11];
    const html = page(toHtml(file));
    for (const version of versions) {
      const name = path.basename(file, '.md') + (version === 11 ? '' : '-mermaid10');
      const tab = await browser.newPage();
      tab.setDefaultTimeout(600_000);
      await tab.setViewport({ width: 1280, height: 900 });
      const errors = [];
      tab.on('pageerror', (e) => errors.push(String(e)));
      const htmlFile = path.resolve(outDir, `${name}.html`);
      fs.writeFileSync(htmlFile, html);
      await tab.goto(`file://${htmlFile}`);
      await tab.addScriptTag({ path: mermaidJs[version] });
      const r = await tab.evaluate(drawAndCount);
      r.errors = errors;
      all[name] = r;
      for (const m of r.mermaid) {
        if (m.parse !== 'ok') problems.push(`${name}: mermaid ${version} chart ${m.index} (${m.firstLine}) does not parse: ${m.parse}`);
        else if (m.render !== 'ok') problems.push(`${name}: mermaid ${version} chart ${m.index} (${m.firstLine}) does not draw: ${m.render}`);
      }
      for (const t of r.tables) {
        if (t.bad) problems.push(`${name}: table ${t.index} has ${t.bad} rows whose cells differ from its ${t.header} columns`);
      }
      for (const e of errors) problems.push(`${name}: error in the page: ${e}`);
      if (shots) {
        await tab.screenshot({ path: path.join(outDir, `${name}-top.png`) });
        for (const m of r.mermaid) {
          const el = await tab.$(`#chart-${m.index}`);
          if (el && m.render === 'ok') await el.screenshot({ path: path.join(outDir, `${name}-mermaid-${m.index}.png`) });
        }
      }
      await tab.close();
      console.log(`${name}: ${r.mermaid.length} charts, ${r.tables.length} tables, ${r.height} px`);
    }
  }
} finally {
  await browser.close();
}
fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(all, null, 1));
console.log(problems.join('\n') || 'render check: every mermaid chart parses and draws, every table is well-formed');
process.exit(problems.length ? 1 : 0);
