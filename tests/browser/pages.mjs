// harkd's pages in Chromium, as a person uses them (run.sh starts harkd):
//  - the login at /login; the hits page lists every hit, its matches in <mark>;
//  - the filter form, filled and sent: by rule, then by language, narrows it;
//  - each article page marks every match the API reports, and the ones
//    written by hand below (accents, elision, Arabic clitics);
//  - /deliveries: "Send again" on the dead delivery, and the receiver gets it;
//  - hostile articles (and a hostile rule name and tag; feed and webhook
//    names cannot be: hark.conf takes only [A-Za-z0-9._-]): no dialog ever, no element or
//    attribute of theirs in the DOM, their text shown as text, the 100 KB
//    title wrapped inside the window; all with the pages' CSP on;
//  - on a phone (360 px): no page wider than the screen, no word of a
//    heading, a column's head or a button cut across lines;
//  - axe-core on every page, light and dark: no serious or critical violation
//    (in a context that bypasses the CSP, to inject axe; dialogs still fail).
import { readFileSync } from 'node:fs';
import { axeCheck, check, done, env, launch, login, newContext, u } from './lib.mjs';

const A = env.articles; // file name -> article id
const HITS_ALL = 9; // fr 1, en 2, ar 1, hostile 5 (04-en-no-hit has none)
const HOSTILE = Object.keys(A).filter((f) => f.includes('hostile'));

const browser = await launch();
try {
  await main();
} catch (e) {
  check(false, 'the test ran to its end', e.stack || e);
} finally {
  await browser.close();
}
done();

// hits(page): the hits listed, each {rule, lang, title, marks: [text]}
function hits(page) {
  return page.$$eval('ol.hits > li.hit', (lis) => lis.map((li) => ({
    rule: li.querySelector('a.rule')?.textContent,
    lang: li.querySelector('span.lang')?.textContent,
    title: li.querySelector('h2')?.textContent,
    marks: [...li.querySelectorAll('p.snippet mark')].map((m) => m.textContent),
  })));
}

async function main() {
  const ctx = await newContext(browser, { colorScheme: 'light' });
  const page = await login(ctx);

  // ---- the hits page
  let list = await hits(page);
  check(list.length === HITS_ALL, `/ lists ${HITS_ALL} hits`, list.length);
  check(list.every((h) => h.marks.length > 0), 'every hit shows its match in <mark>',
    JSON.stringify(list.filter((h) => h.marks.length === 0)));
  const fr = list.find((h) => h.lang === 'fr');
  check(fr && fr.marks.includes('Assad') && fr.title.includes('Visite d’Assad'),
    'the French hit: Assad marked after the elision d’', JSON.stringify(fr));
  const ar = list.find((h) => h.lang === 'ar');
  check(ar && ar.marks.includes('وبشار الأسد') && ar.marks.includes('للأسد'),
    'the Arabic hit: the name marked with its clitics و and لل', JSON.stringify(ar));

  // the keyboard: Tab reaches the navigation, then the form, each with a visible focus ring
  const focus = [];
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    focus.push(await page.evaluate(() => {
      const e = document.activeElement;
      const st = getComputedStyle(e);
      return { tag: e.tagName, name: e.getAttribute('name') || e.textContent, ring: st.outlineStyle !== 'none' && st.outlineWidth !== '0px' };
    }));
  }
  check(focus[0].tag === 'A' && focus.some((f) => f.tag === 'INPUT' && f.name === 'rule'),
    'Tab goes through the navigation to the filter form', JSON.stringify(focus));
  check(focus.every((f) => f.ring), 'every focused element shows its focus ring', JSON.stringify(focus));

  // ---- the filter form: by rule, then by language
  await page.getByLabel('Rule').fill('assad');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL((url) => url.searchParams.get('rule') === 'assad');
  list = await hits(page);
  check(list.length === 3 && list.every((h) => h.rule === 'Bashar al-Assad'),
    'rule=assad: the 3 hits of that rule only', JSON.stringify(list.map((h) => h.rule)));
  check(await page.getByLabel('Rule').inputValue() === 'assad', 'the form keeps the rule');
  await page.getByLabel('Language').fill('ar');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL((url) => url.searchParams.get('lang') === 'ar');
  list = await hits(page);
  check(list.length === 1 && list[0].lang === 'ar' && list[0].rule === 'Bashar al-Assad',
    'rule=assad and lang=ar: the Arabic hit only', JSON.stringify(list));
  await page.getByLabel('Rule').fill('');
  await page.getByLabel('Language').fill('en');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL((url) => url.searchParams.get('lang') === 'en');
  list = await hits(page);
  check(list.length > 0 && list.length < HITS_ALL && list.every((h) => h.lang === 'en'),
    'lang=en alone: English hits only, fewer than all', JSON.stringify(list.map((h) => h.lang)));
  // a tag link filters by it
  await page.goto(u('/'));
  await page.locator('a.tag', { hasText: 'press' }).first().click();
  await page.waitForURL((url) => url.searchParams.get('tag') === 'press');
  list = await hits(page);
  check(list.length === 1 && list[0].rule === 'Karim Haddadin', 'the tag link press: its one hit',
    JSON.stringify(list));

  // ---- the article pages: every match marked, as the API reports them
  const want = {
    '01-fr-elysee.md': { title: ['Assad'], body: ['Assad', 'ASSAD', 'Assad'] },
    '02-en-detained.md': { title: ['Haddadin'], body: ['Haddadin', 'Assad', 'Haddadin', 'Assad'] },
    '03-ar-clitics.txt': { title: ['ببشار الأسد'], body: ['وبشار الأسد', 'للأسد', 'بشار الأسد'] },
  };
  for (const [file, fields] of Object.entries(want)) {
    await page.goto(u(`/articles/${A[file]}`));
    const shown = await page.$$eval('section.field', (ss) => Object.fromEntries(ss.map((s) => [
      s.querySelector('h2').textContent, [...s.querySelectorAll('mark')].map((m) => m.textContent)])));
    for (const [f, marks] of Object.entries(fields)) {
      check(JSON.stringify(shown[f]) === JSON.stringify(marks), `${file}: the ${f}'s marks`,
        `${JSON.stringify(shown[f])}, want ${JSON.stringify(marks)}`);
    }
    // and as many as the API's matches (overlapping ones merged)
    const api = await (await ctx.request.get(u(`/api/v1/articles/${A[file]}`))).json();
    for (const f of Object.keys(fields)) {
      const spans = api.hits.flatMap((h) => h.matches).filter((m) => m.field === f)
        .map((m) => [m.start, m.end]).sort((a, b) => a[0] - b[0]);
      let merged = 0;
      let end = -1;
      for (const [s, e] of spans) {
        if (s >= end) merged++;
        end = Math.max(end, e);
      }
      check(merged === shown[f]?.length, `${file}: the ${f} marks every match of the API`,
        `${shown[f]?.length} marks, ${merged} matches`);
    }
  }
  // an article without a hit: no mark
  await page.goto(u(`/articles/${A['04-en-no-hit.txt']}`));
  check(await page.locator('mark').count() === 0, 'an article without hits has no mark');

  const hostilePages = ['/', '/?rule=hostile', '/?tag=%3C%2Ftextarea%3E%3Cb%3Etag%3C%2Fb%3E',
    '/rules', '/rules/hostile', '/feeds', '/deliveries',
    ...HOSTILE.map((f) => `/articles/${A[f]}`)];

  // ---- on a phone: every page fits the width (HTTP.md: readable on a phone)
  const phone = await newContext(browser, { viewport: { width: 360, height: 740 }, isMobile: true });
  const pp = await login(phone);
  for (const p of [...hostilePages, ...Object.values(A).map((id) => `/articles/${id}`), '/login']) {
    await pp.goto(u(p));
    const over = await pp.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(over <= 0, `${p} on a phone: nothing wider than the screen`, `${over} px too wide`);
    // and no word of a heading, a column's head or a button cut across lines
    const cut = await pp.evaluate(() => {
      const out = [];
      for (const el of document.querySelectorAll('th, button, h1, h2:not(:has(span))')) {
        const t = el.firstChild;
        if (!t || t.nodeType !== Node.TEXT_NODE) continue;
        for (const m of t.data.matchAll(/\S+/g)) {
          const r = document.createRange();
          r.setStart(t, m.index);
          r.setEnd(t, m.index + m[0].length);
          const lines = new Set([...r.getClientRects()].map((q) => Math.round(q.top)));
          if (lines.size > 1 && m[0].length <= 20) out.push(m[0]); // a longer one must break
        }
      }
      return out;
    });
    check(cut.length === 0, `${p} on a phone: no word cut across lines`, JSON.stringify(cut));
  }
  await phone.close();

  // ---- /deliveries: send the dead one again
  await page.goto(u('/deliveries'));
  const row = page.locator('tr.delivery', { has: page.locator('td', { hasText: /^dead$/ }) });
  check(await row.count() === 1, 'one dead delivery listed', await row.count());
  check((await row.locator('td').first().textContent()) === env.dead, 'it is the dead one',
    await row.locator('td').first().textContent());
  const before = readFileSync(env.recvOut, 'utf8');
  check(before === '', 'the receiver got nothing yet', before);
  const [post] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    row.getByRole('button', { name: 'Send again' }).click(),
  ]);
  check(post.status() === 303 && post.url() === u(`/deliveries/${env.dead}/retry`),
    'the button posts to /deliveries/ID/retry, answered 303',
    `${post.status()} ${post.url()} ${post.status() === 303 ? '' : await post.text()}`);
  await page.waitForLoadState();
  let got = '';
  for (let i = 0; i < 200 && !/ 200 h_/.test(got); i++) {
    await new Promise((r) => setTimeout(r, 100));
    got = readFileSync(env.recvOut, 'utf8');
  }
  check(/^\d+ 200 h_[0-9a-f]+ /m.test(got), 'the receiver got the hit again and answered 200', got);
  await page.reload();
  check(await page.locator('tr.delivery td', { hasText: /^dead$/ }).count() === 0,
    'the delivery is no longer dead');

  // ---- hostile articles, the CSP on
  for (const p of hostilePages) {
    const resp = await page.goto(u(p));
    check(resp.status() === 200, `GET ${p}`, resp.status());
    const dom = await page.evaluate(() => ({
      scripts: document.scripts.length,
      iframes: document.querySelectorAll('iframe, img, svg:not(.chart), object, embed').length,
      handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes]
        .some((a) => a.name.startsWith('on'))).length,
      js: [...document.querySelectorAll('[href], [src], [action]')].filter((e) =>
        /^\s*javascript:/i.test(e.getAttribute('href') || e.getAttribute('src') ||
          e.getAttribute('action') || '')).length,
      textareaBroken: document.querySelectorAll('textarea').length,
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      text: document.body.innerText,
    }));
    check(dom.scripts === 0 && dom.iframes === 0 && dom.handlers === 0 && dom.js === 0 &&
      dom.textareaBroken === 0, `${p}: no element or attribute of the hostile text`,
      JSON.stringify({ ...dom, text: undefined }));
    check(dom.overflow <= 0, `${p}: nothing wider than the window`, dom.overflow);
  }
  const textOf = async (p) => {
    await page.goto(u(p));
    return page.evaluate(() => document.body.innerText);
  };
  let t = await textOf(`/articles/${A['10-hostile-script.md']}`);
  check(t.includes(`<script>alert('title')</script> hostile title "><img src=x onerror=alert('title-img')>`),
    'the hostile title shown as text', t.slice(0, 300));
  // only an http(s) address is kept as an article's: a javascript: one is dropped
  check(!t.includes("javascript:alert('url')"), 'a javascript: address is not kept');
  check(await page.locator('a', { hasText: 'javascript:' }).count() === 0, 'a javascript: address is no link');
  t = await textOf(`/articles/${A['14-hostile-body.txt']}`);
  check(t.includes(`"><img src=x onerror=alert('txt-img')>`) &&
    t.includes(`</textarea><script>alert('txt-script')</script>`) &&
    t.includes(`<iframe srcdoc="<script>alert('txt-iframe')</script>"></iframe>`),
  'the hostile body shown as text', t.slice(0, 600));
  t = await textOf(`/articles/${A['12-hostile-page.html']}`);
  check(t.includes(`<img src=x onerror=alert('html-img')>`), 'an HTML page\'s escaped markup shown as text',
    t.slice(0, 600));
  check(!t.includes('real-script'), 'an HTML page\'s own script is not text');
  t = await textOf(`/articles/${A['11-hostile-rlo.md']}`);
  check(t.includes('hostile \u202Egnp.exe override'), 'the RTL override kept as text');
  // the override is closed inside its own element: the heading after it
  // reads left to right
  const rlo = await page.evaluate(() => {
    const s = document.querySelector('h1 span');
    return { dir: s.getAttribute('dir'), text: s.textContent };
  });
  check(rlo.dir === 'auto' && rlo.text.endsWith('\u202C'), 'the override closed within its field',
    JSON.stringify(rlo));
  t = await textOf('/');
  check(t.includes(`<script>alert('rule')</script>`) && t.includes('</textarea><b>tag</b>'),
    'the hostile rule name and tag shown as text');
  const big = await page.locator('li.hit h2', { hasText: 'hostile <b>W</b>' }).first();
  const bigLen = (await big.textContent()).length;
  check(bigLen > 100000, 'the 100 KB title shown whole', bigLen);
  // the Atom feed: no dialog either (a download or an XML tree)
  try {
    await page.goto(u('/hits.atom'));
  } catch (e) {
    check(/download/i.test(e.message), '/hits.atom opens', e.message);
  }
  check(ctx.dialogs.length === 0, 'no dialog fired with the CSP on', ctx.dialogs.join('\n'));
  await ctx.close();


  // ---- axe-core, light and dark; the CSP bypassed so that axe can be injected
  // (and so that an injected script would run: dialogs still fail the test)
  const axePages = ['/', '/?rule=assad', '/?lang=ar', '/rules', '/rules/assad', '/rules/hostile',
    '/feeds', '/deliveries', '/login', ...Object.values(A).map((id) => `/articles/${id}`)];
  for (const scheme of ['light', 'dark']) {
    const c = await newContext(browser, { colorScheme: scheme, bypassCSP: true });
    const p = await login(c);
    // axe can fail: the hits page with a low-contrast snippet and an unlabelled field
    const spoilt = await axeCheck(p, '/', `/ spoilt (${scheme})`, (pg) => pg.evaluate(() => {
      const dark = matchMedia('(prefers-color-scheme: dark)').matches;
      document.querySelector('p.snippet').style.color = dark ? '#303036' : '#e0e0e0';
      document.querySelector('form.filters').append(document.createElement('input'));
    }));
    check(['color-contrast', 'label'].every((id) => spoilt.some((v) => v.id === id)),
      `axe finds a spoilt page's violations (${scheme})`, JSON.stringify(spoilt.map((v) => v.id)));
    for (const path of axePages) await axeCheck(p, path, `${path} (${scheme})`);
    // /login as a stranger sees it, and a page 404
    const c2 = await newContext(browser, { colorScheme: scheme, bypassCSP: true });
    await axeCheck(await c2.newPage(), '/login', `/login logged out (${scheme})`);
    check(c.dialogs.length === 0 && c2.dialogs.length === 0,
      `no dialog fired with the CSP bypassed (${scheme})`, [...c.dialogs, ...c2.dialogs].join('\n'));
    await c.close();
    await c2.close();
  }
}
