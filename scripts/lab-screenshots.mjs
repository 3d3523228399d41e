// Screenshots of the Lab for docs/lab.md, at 1280×800: Raft's guided tour (English and
// Chinese) and Paxos with an acceptor inspected. It builds nothing: run `npm run build` and
// `npm run build:web` first; then `node scripts/lab-screenshots.mjs`. It starts `cohort lab`
// from dist/ on a free port and drives Debian's Chromium through playwright-core, as the
// browser tests do (test/support/lab-browser.ts). The Chinese shot needs a CJK font
// installed locally (fonts-noto-cjk); the PNGs are committed, never made in CI.

import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

const server = spawn('node', ['dist/src/cli/main.js', 'lab', '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  server.stdout.on('data', (chunk) => {
    const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(chunk.toString());
    if (m !== null) resolve(m[0]);
  });
  server.on('exit', (code) => reject(new Error(`cohort lab exited with ${code}`)));
});
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});

async function open(query) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${url}?${query}`);
  await page.waitForSelector('[data-check]');
  return page;
}

async function shot(page, file) {
  await page.mouse.move(0, 0); // no hover tooltip in the picture
  await page.screenshot({ path: file });
  console.log(`wrote ${file}`);
}

try {
  // Raft: the tour of a leader crash during replication, at its crash step.
  const raft = await open('algorithm=consensus/raft&seed=1');
  await raft.click('.scenarios summary');
  await raft.click('[data-scenario="leader-crash-during-replication"]');
  await raft.waitForSelector('.tour[data-tour="leader-crash-during-replication"]');
  for (const i of [1, 2, 3]) {
    await raft.click('.tour-next');
    await raft.waitForSelector(`.tour-text[data-tour-step="${i}"]`);
  }
  await shot(raft, 'docs/lab-raft-tour.png');
  await raft.click('.lang-switch [data-lang="zh"]');
  await raft.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await shot(raft, 'docs/lab-raft-tour-zh.png');
  await raft.close();

  // Paxos: an acceptor inspected while proposals compete — its promise, what it accepted.
  const paxos = await open('algorithm=consensus/paxos&seed=1');
  await paxos.locator('input[type=range]').evaluate((el) => {
    el.value = '25';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await paxos.click('[data-node="2"]');
  await paxos.waitForSelector('[data-inspector="2"]');
  await shot(paxos, 'docs/lab-paxos.png');
  await paxos.close();
} finally {
  await browser.close();
  server.kill();
}
