// browser.js - the preference page in a real headless Chromium:
// uncheck one list, check another, save, and report what the page says.
// usage: node browser.js URL SCREENSHOT
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
    // a phone-sized window: the page must work there
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(url);
    const before = await page.$$eval('input[name=list]',
      (els) => els.map((e) => e.value + '=' + (e.checked ? 1 : 0)).join(' '));
    console.log('before ' + before);
    await page.uncheck('input[name=list][value=marketing]');
    await page.check('input[name=list][value=releases]');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    const after = await page.$$eval('input[name=list]',
      (els) => els.map((e) => e.value + '=' + (e.checked ? 1 : 0)).join(' '));
    console.log('after ' + after);
    console.log('note ' + (await page.textContent('.note')));
    const scripts = await page.$$eval('script', (els) => els.length);
    console.log('scripts ' + scripts);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    console.log('scrollwidth ' + width);
    await page.screenshot({ path: shot, fullPage: true });
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
