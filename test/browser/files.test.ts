import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../routes/paths.js';
import {
  browserSuite,
  expectAccessibleAndFitting,
  LoginPage,
  navigating,
  openPage,
  PHONE,
  visit,
} from '../support/browser.js';
import { createPerson, insertApplication, NOW, PASSWORD, TINY_PDF } from '../support/fixtures.js';

// A person on a phone opens what they uploaded (an A4 page scanned at 300 dpi): an image is
// shown in the browser, re-encoded and under the files' sandbox; a PDF still downloads.

const suite = browserSuite();
let dir: string;
let downloads: string;
let scanJpeg: string;
let scanPdf: string;

beforeAll(async () => {
  suite.t.clock.set(NOW);
  dir = await mkdtemp(path.join(os.tmpdir(), 'jsreg-files-browser-'));
  downloads = path.join(dir, 'downloads');
  await mkdir(downloads);
  scanJpeg = path.join(dir, '资格证书.jpg');
  scanPdf = path.join(dir, '注销证明.pdf');
  const jpeg = await sharp({
    create: { width: 2480, height: 3508, channels: 3, background: '#eef2f6' },
  })
    .jpeg()
    .toBuffer();
  // With a page of script after the image's end, which must never reach the browser.
  await writeFile(scanJpeg, Buffer.concat([jpeg, Buffer.from('<script>alert(1)</script>')]));
  await writeFile(scanPdf, TINY_PDF);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Uploads a file through the material's own form on the uploads step. */
async function upload(page: Page, purpose: string, file: string) {
  const input = (await page.$(`#upload-${purpose}`)) as ElementHandle<HTMLInputElement> | null;
  expect(input).not.toBeNull();
  await input!.uploadFile(file);
  await navigating(page, () =>
    page.click(`form[action$="/uploads/${purpose}"] button[type="submit"]`),
  );
}

const materialLink = (page: Page, fileName: string) =>
  page.$$eval(
    '[data-testid="materials"] a[href^="/files/"]',
    (links, name) => links.find((a) => a.textContent?.trim() === name)?.getAttribute('href'),
    fileName,
  );

describe('an uploaded file, opened on a phone', () => {
  it('an image is shown in the browser at 375 px; a PDF downloads', async () => {
    const { sql } = suite.t.db;
    const person = await createPerson(sql, NOW, { password: PASSWORD, name: '孙悦' });
    const id = await insertApplication(sql, NOW, {
      kind: 'out_of_province_qualification',
      state: 'draft',
      profession: 'architect',
      personId: person.personId,
      enterpriseId: null,
      draft: { outOfProvince: { registeredElsewhere: true } },
    });
    const context = await suite.browser.createBrowserContext({
      downloadBehavior: { policy: 'allow', downloadPath: downloads },
    });
    const { page, problems } = await openPage(context, PHONE);
    try {
      const login = new LoginPage(page, suite.url(paths.login.person));
      await login.open();
      await login.logIn(person.idNumber, PASSWORD);
      await visit(page, suite.url(paths.me.step(id, 'uploads')));
      await upload(page, 'qualification-certificate', scanJpeg);
      await upload(page, 'previous-registration', scanPdf);
      await expectAccessibleAndFitting(page, 'uploads step with an image and a PDF');
      expect(problems.pageErrors).toEqual([]);
      expect(await problems.cspViolations()).toEqual([]);
      const uploadsStep = page.url();

      // The PDF's link: a download, the page stays where it is.
      const pdfHref = await materialLink(page, '注销证明.pdf');
      expect(pdfHref).toMatch(/^\/files\//);
      await page.click(`a[href="${pdfHref}"]`);
      await expect.poll(() => readdir(downloads), { timeout: 5000 }).toContain('注销证明.pdf');
      expect(page.url()).toBe(uploadsStep);

      // The image's link: Chromium opens it as an image document, drawn, sandboxed.
      const imageHref = await materialLink(page, '资格证书.jpg');
      expect(imageHref).toMatch(/^\/files\//);
      page.setDefaultNavigationTimeout(10_000); // a download instead fails here, not at 30 s
      const res = await navigating(page, () => page.click(`a[href="${imageHref}"]`)).catch(
        async (error: unknown) => {
          const downloaded = (await readdir(downloads)).join(', ');
          throw new Error(`the image did not open; downloaded: ${downloaded}`, { cause: error });
        },
      );
      expect(res?.status()).toBe(200);
      expect(res?.headers()['content-disposition']).toMatch(/^inline/);
      expect(new URL(page.url()).pathname).toBe(imageHref);
      const shown = await page.evaluate(() => {
        const img = document.images[0];
        return {
          contentType: document.contentType,
          images: document.images.length,
          complete: img?.complete,
          naturalWidth: img?.naturalWidth,
          naturalHeight: img?.naturalHeight,
          // The sandbox without allow-same-origin: an opaque origin, none of the site's cookies.
          origin: window.origin,
          // Its whole width on the screen, no sideways scrolling to see it.
          fits: (img?.getBoundingClientRect().width ?? Infinity) <= window.visualViewport!.width,
        };
      });
      expect(shown).toEqual({
        contentType: 'image/jpeg',
        images: 1,
        complete: true,
        naturalWidth: 2480,
        naturalHeight: 3508,
        origin: 'null',
        fits: true,
      });
      // Chromium's own page around the image is styled as it should be: the policy lets it.
      expect(problems.consoleErrors.filter((e) => e.includes('Content Security Policy'))).toEqual(
        [],
      );
      expect(await readdir(downloads)).toEqual(['注销证明.pdf']);
    } finally {
      await context.close();
    }
  });
});
