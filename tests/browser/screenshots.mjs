// The README's pictures: the hits page and one article page of the demo
// (screenshots.sh starts harkd), 1000x800 CSS pixels, the light scheme.
import { launch, u } from './lib.mjs';

const out = process.env.HARK_OUT;
const browser = await launch();
try {
  const context = await browser.newContext({
    viewport: { width: 1000, height: 800 },
    deviceScaleFactor: 1,
    colorScheme: 'light',
  });
  const page = await context.newPage();
  await page.goto(u('/'));
  await page.screenshot({ path: `${out}/hits.png` });
  await page.goto(u(`/articles/${process.env.HARK_ARTICLE}`));
  await page.screenshot({ path: `${out}/article.png` });
  console.log(`${out}/hits.png, ${out}/article.png`);
} finally {
  await browser.close();
}
