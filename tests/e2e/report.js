// SPDX-License-Identifier: BSD-2-Clause
// report.js - optinctl report's HTML page in a real headless Chromium:
// what it shows (tables, charts), and that it asks the network for
// nothing. usage: node report.js FILE-URL SCREENSHOT
'use strict';
const { chromium } = require('playwright-core');

(async () => {
  const [url, shot] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
      '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const asked = [];
    page.on('request', (r) => { if (r.url() !== url) asked.push(r.url()); });
    await page.goto(url);
    console.log('title ' + (await page.title()));
    console.log('requests ' + asked.length + ' ' + asked.join(' '));
    console.log('scripts ' + (await page.$$eval('script', (e) => e.length)));
    // the overview table: one row per list, the counts by name
    const rows = await page.$$eval('#lists tr[data-list]', (trs) => trs.map((tr) =>
      tr.dataset.list + ' ' + Array.from(tr.querySelectorAll('td[data-count]'))
        .map((td) => td.dataset.count + '=' + td.textContent).join(' ')));
    for (const r of rows) console.log('row ' + r);
    // the charts as drawn: visible, with their bars
    const charts = await page.$$eval('svg.chart', (svgs) => svgs.map((s) => {
      const b = s.getBoundingClientRect();
      const bars = Array.from(s.querySelectorAll('rect.bar'))
        .map((r) => r.dataset.day + ':' + r.dataset.value + ':' +
          Math.round(r.getBoundingClientRect().height)).join(',');
      return s.dataset.list + ' ' + s.dataset.kind + ' ' + Math.round(b.width) +
        'x' + Math.round(b.height) + ' ' + bars;
    }));
    for (const c of charts) console.log('chart ' + c);
    const reasons = await page.$$eval('section#list-marketing table.reasons tr td:first-child',
      (tds) => tds.map((t) => t.textContent).join(','));
    console.log('reasons marketing ' + reasons);
    const text = await page.evaluate(() => document.body.innerText);
    console.log('shows-description ' + (text.includes('Best practices, events and product news') ? 1 : 0));
    await page.screenshot({ path: shot, fullPage: true });
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
