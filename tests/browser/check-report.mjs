// Opens a generated report.html in headless Chromium and checks that it
// works as a self-contained page: no console errors, no network requests,
// every image decoded, every inline svg non-empty, the hypothesis table
// present, no horizontal scrolling on a laptop-sized window.  Saves a
// full-page screenshot next to the report (report.png).
//
// usage: REPORT_NODE_MODULES=DIR node check-report.mjs RUN/report.html
//   REPORT_NODE_MODULES  a node_modules folder holding playwright-core
//   CHROMIUM             the browser (default /usr/bin/chromium)
// Run through `make check-browser`, which prepares both.
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const reportPath = process.argv[2];
if (!reportPath || !existsSync(reportPath)) {
  console.error(`usage: node check-report.mjs RUN/report.html (got ${reportPath})`);
  process.exit(2);
}
const modules = process.env.REPORT_NODE_MODULES || path.join(process.cwd(), 'node_modules');
const require = createRequire(path.join(modules, '..', 'package.json'));
const { chromium } = require('playwright-core');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`${executablePath}: no such browser (apt-get install chromium, or set CHROMIUM)`);
  process.exit(2);
}

const failures = [];
let passed = 0;
function check(ok, what) {
  if (ok) {
    passed++;
    console.log(`ok   ${what}`);
  } else {
    failures.push(what);
    console.log(`FAIL ${what}`);
  }
}

const userDataDir = mkdtempSync(path.join(tmpdir(), 'interp-report-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  viewport: { width: 1366, height: 768 },
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors = [];
  const foreignRequests = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith('file:') && !url.startsWith('data:')) foreignRequests.push(url);
  });

  const url = pathToFileURL(path.resolve(reportPath)).href;
  const response = await page.goto(url, { waitUntil: 'load' });
  check(response === null || response.ok(), `loads ${url}`);
  // Let images finish decoding.
  await page.evaluate(() => Promise.all(Array.from(document.images).map((i) => i.decode().catch(() => {}))));

  const info = await page.evaluate(() => {
    const images = Array.from(document.images).map((img) => ({
      alt: img.alt,
      ok: img.complete && img.naturalWidth > 0 && img.naturalHeight > 0,
      shown: img.getBoundingClientRect().width,
    }));
    const svgs = Array.from(document.querySelectorAll('svg')).map((s) => s.childElementCount);
    const navTargets = Array.from(document.querySelectorAll('nav a')).map((a) => {
      const id = a.getAttribute('href').slice(1);
      return { id, found: document.getElementById(id) !== null };
    });
    return {
      title: document.title,
      images,
      svgs,
      navTargets,
      hypothesisRows: document.querySelectorAll('table.hypotheses tbody tr').length,
      verdicts: Array.from(document.querySelectorAll('table.hypotheses .verdict')).map((v) => [
        v.textContent,
        getComputedStyle(v).backgroundColor,
      ]),
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      sections: Array.from(document.querySelectorAll('section')).map((s) => s.id),
    };
  });

  check(consoleErrors.length === 0, `no console errors${consoleErrors.length ? ': ' + consoleErrors.join(' | ') : ''}`);
  check(foreignRequests.length === 0, `no network requests${foreignRequests.length ? ': ' + foreignRequests.join(' ') : ''}`);
  check(info.images.length > 0, `has images (${info.images.length})`);
  const broken = info.images.filter((i) => !i.ok);
  check(broken.length === 0, `every image loaded${broken.length ? ': broken ' + broken.map((i) => i.alt).join(', ') : ''}`);
  const hidden = info.images.filter((i) => i.ok && i.shown === 0);
  // Images inside closed <details> have no box; only open ones must be laid out.
  check(info.images.length - hidden.length > 0, `images are laid out (${info.images.length - hidden.length} visible)`);
  check(info.svgs.every((n) => n > 0), `every inline svg non-empty (${info.svgs.length})`);
  check(info.navTargets.length > 0 && info.navTargets.every((t) => t.found), `navigation links resolve (${info.navTargets.map((t) => t.id).join(', ')})`);
  check(info.hypothesisRows > 0, `hypothesis table present (${info.hypothesisRows} rows)`);
  const colours = new Set(info.verdicts.map((v) => v[1]));
  check(info.verdicts.length === 0 || colours.size === new Set(info.verdicts.map((v) => v[0])).size,
    `one colour per verdict (${info.verdicts.map((v) => v.join('=')).join(', ')})`);
  check(info.scrollWidth <= info.innerWidth, `no horizontal scrolling at 1366 px (${info.scrollWidth})`);

  const shot = path.join(path.dirname(path.resolve(reportPath)), 'report.png');
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);
  // The first screen as a laptop shows it, for a quick look.
  await page.screenshot({ path: shot.replace(/\.png$/, '-top.png') });
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

console.log(`${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
