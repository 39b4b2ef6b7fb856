// SPDX-License-Identifier: BSD-2-Clause
// browser.js - optin-unsubd's pages in a real headless Chromium.
// usage: node browser.js [prefs] URL SCREENSHOT
//          the preference page: uncheck marketing, check releases, save,
//          and report what the page says
//        node browser.js show URL
//          open a page (a link scanner would), report its heading
//        node browser.js confirm URL
//          open a confirmation link, press its button, report both pages
//        node browser.js subscribe URL ADDRESS LIST
//          the subscription page: type the address, check the list, send
'use strict';
const { chromium } = require('playwright-core');

async function prefs(page, url, shot) {
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
  const states = await page.$$eval('label', (els) => els.map((e) => e.textContent).join(' | '));
  console.log('states ' + states);
  const scripts = await page.$$eval('script', (els) => els.length);
  console.log('scripts ' + scripts);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  console.log('scrollwidth ' + width);
  await page.screenshot({ path: shot, fullPage: true });
}

async function confirm(page, url) {
  await page.goto(url);
  console.log('page ' + (await page.textContent('h1')));
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  console.log('after ' + (await page.textContent('h1')) + ': ' +
    (await page.textContent('main p')));
}

async function subscribe(page, url, address, list) {
  await page.goto(url);
  console.log('page ' + (await page.textContent('h1')));
  await page.fill('input[name=address]', address);
  await page.check('input[name=list][value=' + list + ']');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  console.log('after ' + (await page.textContent('h1')));
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  console.log('scrollwidth ' + width);
}

(async () => {
  let args = process.argv.slice(2);
  let mode = 'prefs';
  if (!args[0].startsWith('http')) {
    mode = args[0];
    args = args.slice(1);
  }
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
      '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    // a phone-sized window: the pages must work there
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    if (mode === 'prefs') await prefs(page, args[0], args[1]);
    else if (mode === 'show') {
      await page.goto(args[0]);
      console.log('page ' + (await page.textContent('h1')));
    } else if (mode === 'confirm') await confirm(page, args[0]);
    else if (mode === 'subscribe') await subscribe(page, args[0], args[1], args[2]);
    else throw new Error('unknown mode ' + mode);
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
