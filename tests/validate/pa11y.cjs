// pa11y with HTML_CodeSniffer on each page at each width, in one Chromium: run by
// src/lscb_kb/checks/validators.py, which serves the site on 127.0.0.1 and reads the JSON this
// prints. Input (stdin, JSON): {"urls": [...], "widths": [...], "standard": "WCAG2AA",
// "chromium": "/usr/bin/chromium", "args": [...], "concurrency": 2}. Output (stdout, JSON):
// one entry a page and width, with pa11y's issues (errors only) or the error that stopped it.
'use strict';

const pa11y = require('pa11y');
const puppeteer = require('puppeteer');

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function main() {
  const job = await readStdin();
  // Debian's Chromium, never a browser puppeteer downloads.
  const browser = await puppeteer.launch({
    executablePath: job.chromium,
    args: job.args,
    headless: true,
  });
  const tests = [];
  for (const width of job.widths) {
    for (const url of job.urls) {
      tests.push({url, width});
    }
  }
  const results = new Array(tests.length);
  let next = 0;
  async function worker() {
    while (next < tests.length) {
      const index = next++;
      const {url, width} = tests[index];
      const entry = {url, width, issues: [], error: null};
      try {
        const result = await pa11y(url, {
          browser,
          runners: ['htmlcs'],
          standard: job.standard,
          viewport: {width, height: 900},
          timeout: 60000,
          includeWarnings: false,
          includeNotices: false,
          log: {debug() {}, error() {}, info() {}},
        });
        entry.issues = result.issues;
      } catch (error) {
        entry.error = String(error && error.stack ? error.stack : error);
      }
      results[index] = entry;
    }
  }
  try {
    // A few tabs at a time in the one browser: the pages are tested apart, each in its own tab.
    await Promise.all(Array.from({length: job.concurrency || 1}, worker));
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
