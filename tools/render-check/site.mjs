// Open okr site's pages in Debian's Chromium from file:// and check them.
//
//   node tools/render-check/site.mjs OUT_DIR SITE_DIR PAGE.html ...
//
// For each page, in light and in dark mode: fails (exit 1) on a console error or an error
// in the page, on any request for something outside SITE_DIR (the pages must load nothing
// from elsewhere), or on an accessibility violation axe-core rates serious or critical.
// On a page with the search box, typing the first unit's name must hide some rows but not
// all. Writes OUT_DIR/site-NAME.png and OUT_DIR/site-NAME-dark.png (the first screen) and
// OUT_DIR/site-results.json.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const puppeteer = require('puppeteer-core');
const axePath = require.resolve('axe-core/axe.min.js');

const [outDir, siteDir, ...pages] = process.argv.slice(2);
fs.mkdirSync(outDir, { recursive: true });
const base = `file://${path.resolve(siteDir)}/`;

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none'],
});
const problems = [];
const all = {};
try {
  for (const pageName of pages) {
    for (const scheme of ['light', 'dark']) {
      const name = path.basename(pageName, '.html') + (scheme === 'dark' ? '-dark' : '');
      const tab = await browser.newPage();
      await tab.setViewport({ width: 1280, height: 900 });
      await tab.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      const errors = [];
      const outside = [];
      tab.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      tab.on('pageerror', (e) => errors.push(String(e)));
      tab.on('request', (r) => { if (!r.url().startsWith(base)) outside.push(r.url()); });
      await tab.goto(base + pageName, { waitUntil: 'load' });
      // the index's search box, under the page's own policy (its script allowed by hash)
      let search = null;
      if (await tab.$('#search')) {
        const rows = await tab.$$eval('#glance tbody tr', (trs) => trs.length);
        const name = await tab.$eval('#glance tbody tr td', (td) => td.textContent.trim());
        await tab.type('#search', name);
        const shown = await tab.$$eval('#glance tbody tr', (trs) => trs.filter((tr) => !tr.hidden).length);
        search = { rows, name, shown };
        if (!(shown >= 1 && shown < rows)) problems.push(`${name}: the search box did not filter the units (${shown} of ${rows} shown)`);
      }
      // the page's own Content-Security-Policy would refuse axe's script: the checks run
      // after the page has loaded as it is
      await tab.setBypassCSP(true);
      await tab.reload({ waitUntil: 'load' });
      await tab.addScriptTag({ path: axePath });
      const axe = await tab.evaluate(async () => {
        // preload: false: axe would fetch the style sheet again with XMLHttpRequest, which
        // file:// refuses (a console error of axe's own, not of the page)
        const r = await window.axe.run(document, { resultTypes: ['violations'], preload: false });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
          first: v.nodes[0] && v.nodes[0].html.slice(0, 200) }));
      });
      const serious = axe.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      all[name] = { errors, outside, axe, search };
      for (const e of errors) problems.push(`${name}: console error: ${e}`);
      for (const u of outside) problems.push(`${name}: loads something outside the site: ${u}`);
      for (const v of serious) problems.push(`${name}: axe ${v.impact} ${v.id} (${v.help}) on ${v.nodes} elements, first ${v.first}`);
      await tab.evaluate(() => window.scrollTo(0, 0));  // the reload kept the search's scroll
      await tab.screenshot({ path: path.join(outDir, `site-${name}.png`) });
      await tab.close();
      console.log(`${name}: ${errors.length} errors, ${outside.length} outside requests, ${axe.length} axe violations (${serious.length} serious or critical)`);
    }
  }
} finally {
  await browser.close();
}
fs.writeFileSync(path.join(outDir, 'site-results.json'), JSON.stringify(all, null, 1));
console.log(problems.join('\n') || 'site check: no console error, nothing loaded from outside, no serious accessibility violation');
process.exit(problems.length ? 1 : 0);
