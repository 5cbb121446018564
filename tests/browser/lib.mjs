// What the browser tests share: Debian's Chromium through playwright-core,
// the login at /login, the checks and their count, axe-core's pass.
// run.sh starts harkd and passes what it made in the environment (run.sh).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const env = {
  url: process.env.HARK_URL, // "http://127.0.0.1:PORT/"
  token: process.env.HARK_TOKEN,
  dead: process.env.HARK_DEAD,
  recvOut: process.env.HARK_RECV_OUT,
  articles: process.env.HARK_STATE ? JSON.parse(readFileSync(process.env.HARK_STATE, 'utf8')) : {},
  chromium: process.env.HARK_CHROMIUM || '/usr/bin/chromium',
};

let passed = 0;
let failed = 0;

// check(cond, what): one assertion; a failure is printed and counted.
export function check(cond, what, detail) {
  if (cond) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL: ${what}${detail === undefined ? '' : `: ${String(detail).slice(0, 4000)}`}`);
  }
}

// done(): the count, and the exit status (1 when anything failed or nothing ran).
export function done() {
  console.log(`# browser: ${passed} checks passed, ${failed} failed`);
  process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
}

// The flags of a headless Chromium on a machine without a network: no
// sandbox (root), no GPU, nothing that phones home at start.
export function launch() {
  return chromium.launch({
    executablePath: env.chromium,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

// A context whose pages record every dialog (alert, confirm, prompt) in
// dialogs[] and dismiss it: no test page may ever open one.
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, ...options });
  context.setDefaultTimeout(10000); // a page of harkd's answers in milliseconds
  const dialogs = [];
  context.on('page', (page) => {
    page.on('dialog', async (d) => {
      dialogs.push(`${d.type()} ${JSON.stringify(d.message())} on ${page.url()}`);
      await d.dismiss().catch(() => {});
    });
  });
  context.dialogs = dialogs;
  return context;
}

// u(path): the server's address of path ("/rules" -> "http://127.0.0.1:P/rules").
export function u(path) {
  return new URL(path, env.url).href;
}

// login(context): a page that went to "/", was sent to /login, typed the
// token into the form and came back to "/" as a person does.
export async function login(context) {
  const page = await context.newPage();
  await page.goto(u('/'));
  check(new URL(page.url()).pathname === '/login', 'a page without a session goes to /login', page.url());
  await page.getByLabel('Token').fill(env.token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(u('/'));
  check(new URL(page.url()).pathname === '/', 'the login comes back to /', page.url());
  return page;
}

export const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// axeCheck(page, path): axe-core on the page at path; every violation of
// serious or critical impact fails, named with its rule and its elements.
// The page's context needs bypassCSP: the policy of harkd's pages forbids
// the injected script.
// prepare(page): an optional step before axe runs (a form filled, a page spoilt);
// then the serious and critical violations are returned for the caller to check.
export async function axeCheck(page, path, label = path, prepare = null) {
  const resp = await page.goto(u(path));
  check(resp && resp.status() === 200, `axe: GET ${path} answers 200`, resp && resp.status());
  if (prepare) await prepare(page);
  await page.addScriptTag({ content: axeSource });
  const r = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const res = await axe.run(document, { resultTypes: ['violations'] });
    return res.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
    }));
  });
  for (const v of r) console.log(`# axe on ${label}: ${v.impact} ${v.id} (${v.help})`);
  const bad = r.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (prepare) return bad;
  check(bad.length === 0, `axe: no serious or critical violation on ${label}`,
    bad.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.join(' | ')}`).join('\n  '));
  return r;
}
