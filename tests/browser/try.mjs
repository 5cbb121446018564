// The /try page in Chromium, as a person uses it (run.sh starts harkd with
// the fixture articles): a broken query typed into the form gives a
// diagnostic with its LINE:COL; a good one lists the archive's hits with
// their marks; a query holding </textarea><script> comes back in the
// textarea as typed, and no dialog fires; axe-core finds no serious or
// critical violation on /try, empty, with a diagnostic and with hits.
// The markup (the /try page's): form#try-form, textarea#try-query,
// ul#try-diagnostics > li.diag.error, ol#try-hits.hits > li.hit p.snippet mark.
import { axeCheck, check, done, launch, login, newContext, u } from './lib.mjs';

const browser = await launch();
try {
  await main();
} catch (e) {
  check(false, 'the test ran to its end', e.stack || e);
} finally {
  await browser.close();
}
done();

// send(page, query): the form filled and sent; its answer's status
async function send(page, query) {
  await page.goto(u('/try'));
  await page.locator('#try-query').fill(query);
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/try'),
    page.locator('#try-form').getByRole('button').first().click(),
  ]);
  await page.waitForLoadState();
  return resp.status();
}

function diagnostics(page) {
  return page.$$eval('#try-diagnostics li.diag.error', (lis) => lis.map((li) => li.textContent));
}

function tryHits(page) {
  return page.$$eval('#try-hits > li.hit', (lis) => lis.map((li) => ({
    title: li.querySelector('h2')?.textContent,
    marks: [...li.querySelectorAll('p.snippet mark')].map((m) => m.textContent),
  })));
}

async function main() {
  const ctx = await newContext(browser, { colorScheme: 'light' });
  const page = await login(ctx);

  // a broken query: a diagnostic with its place, no hits
  let st = await send(page, 'Assad AND ("Bashar');
  check(st === 200 || st === 400 || st === 422, 'a broken query is answered', st);
  let diags = await diagnostics(page);
  check(diags.length >= 1 && diags.every((d) => /\b\d+:\d+\b/.test(d)),
    'a broken query: a diagnostic with LINE:COL', JSON.stringify(diags));
  check(await page.locator('#try-hits > li.hit').count() === 0, 'a broken query: no hits');
  check(await page.locator('#try-query').inputValue() === 'Assad AND ("Bashar',
    'the broken query stays in the textarea to be mended');

  // a good one: the archive's hits, marked (fr, en, ar)
  st = await send(page, 'Assad OR "بشار الأسد"');
  check(st === 200, 'a good query: 200', st);
  diags = await diagnostics(page);
  check(diags.length === 0, 'a good query: no error', JSON.stringify(diags));
  const hits = await tryHits(page);
  check(hits.length >= 3, 'a good query: the three articles that name him', JSON.stringify(hits));
  check(hits.every((h) => h.marks.length > 0), 'every hit with its marks', JSON.stringify(hits));
  const all = hits.flatMap((h) => h.marks);
  check(all.includes('Assad') && all.some((m) => m.includes('الأسد')),
    'marks in Latin and Arabic script', JSON.stringify(all));

  // a hostile query: kept as typed, nothing runs
  const hostile = `hostile OR "</textarea><script>alert('try')</script>"`;
  await send(page, hostile);
  check(await page.locator('#try-query').inputValue() === hostile, 'a hostile query comes back as typed',
    await page.locator('#try-query').inputValue());
  check(await page.evaluate(() => document.scripts.length) === 0, 'no script element on /try');
  check(await page.locator('#try-hits > li.hit').count() >= 1, 'the hostile articles listed');
  check(ctx.dialogs.length === 0, 'no dialog fired on /try', ctx.dialogs.join('\n'));
  await ctx.close();

  // axe: empty, with a diagnostic, with hits
  for (const scheme of ['light', 'dark']) {
    const c = await newContext(browser, { colorScheme: scheme, bypassCSP: true });
    const p = await login(c);
    await axeCheck(p, '/try', `/try (${scheme})`);
    for (const [q, what] of [['Assad AND (', 'a diagnostic'], ['Assad', 'hits']]) {
      const bad = await axeCheck(p, '/try', `/try with ${what} (${scheme})`, async (pg) => {
        await pg.locator('#try-query').fill(q);
        await Promise.all([pg.waitForNavigation(), pg.locator('#try-form').getByRole('button').first().click()]);
      });
      check(bad.length === 0, `axe: no serious or critical violation on /try with ${what} (${scheme})`,
        bad.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.join(' | ')}`).join('\n  '));
    }
    check(c.dialogs.length === 0, `no dialog fired with the CSP bypassed (${scheme})`, c.dialogs.join('\n'));
    await c.close();
  }
}
