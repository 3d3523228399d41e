/// <reference lib="dom" />
// The Lab's browser tests share this: `cohort lab` (the built CLI, serving dist/web) on a free
// port, Debian's Chromium through playwright-core, a page at a given viewport that records
// console errors, and the slider moved to a time. `npm test` builds dist/ and dist/web
// before the suite runs; run `npm run build:web` after editing web/ to test by hand.

import { type ChildProcess, spawn } from 'node:child_process';
import { type Browser, chromium, type Page } from 'playwright-core';

export interface LabBrowser {
  readonly browser: Browser;
  readonly url: string;
  close(): Promise<void>;
}

export async function startLabBrowser(): Promise<LabBrowser> {
  const server: ChildProcess = spawn('node', ['dist/src/cli/main.js', 'lab', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout?.on('data', (chunk: Buffer) => {
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(chunk.toString());
      if (m !== null) resolve(m[0]);
    });
    server.on('exit', (code) => reject(new Error(`cohort lab exited with ${code}`)));
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    browser,
    url,
    close: async () => {
      await browser.close();
      server.kill();
    },
  };
}

/** The two widths every behaviour is tried at: a laptop and a phone. */
export const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

/** Opens `?query` once the first run's checks are on the page; `errors` collects console errors. */
export async function openLab(lab: LabBrowser, width: number, height: number, query: string) {
  const page = await lab.browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${lab.url}?${query}`);
  await page.waitForSelector('[data-check]');
  return { page, errors };
}

/** Moves the time slider to `ms`, as dragging it would. */
export async function setTime(page: Page, ms: number): Promise<void> {
  await page.locator('input[type=range]').evaluate((el, v) => {
    (el as HTMLInputElement).value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, String(ms));
}

export const badgesOn = (page: Page) =>
  page.$$eval('[data-node]', (nodes) =>
    Object.fromEntries(
      nodes.map((n) => [Number(n.getAttribute('data-node')), n.getAttribute('data-badge') ?? '']),
    ),
  );
