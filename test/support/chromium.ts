// Headless Chromium as the tests and benchmarks launch it, and the fonts it sees. No vitest here,
// so that bench/ can use it too.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Viewport } from 'puppeteer-core';
import { launch } from 'puppeteer-core';
import { decompress } from 'wawoff2';

const require = createRequire(import.meta.url);

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A headless Debian Chromium, quiet on the network: nothing but the pages under test. It sees
 * Noto Sans SC as a system font (see chineseFontConfig), as a visitor's phone or computer has a
 * Chinese font; with `systemFonts: 'latin'` it sees none (see latinFontConfig), as a machine
 * that shows boxes for Chinese, so that only the site's web font can draw it.
 */
export async function launchBrowser({
  systemFonts = 'chinese',
}: { systemFonts?: 'chinese' | 'latin' } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}: run \`npm run setup\` (it installs Debian's ` +
        `chromium package), or set CHROMIUM_PATH to a Chromium binary.`,
    );
  }
  return launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    env: {
      ...process.env,
      FONTCONFIG_FILE:
        systemFonts === 'latin' ? await latinFontConfig() : await chineseFontConfig(),
    },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * A fontconfig file that adds Noto Sans SC (400 and 700) to the system's fonts, and its path.
 * The site names the usual system CJK fonts before its web font; a Debian image may have none,
 * and then every test's pages would fetch the web font's subsets, and measure before they arrive
 * unlike after. The font comes from the @fontsource/noto-sans-sc dependency: Chromium's font
 * manager takes only TrueType/CFF files from fontconfig, so its WOFF2 files are decompressed
 * (wawoff2) to plain OpenType once, into the temp dir, under the family name an installed Noto
 * Sans SC has (the subsets call themselves "Noto Sans SC Thin"), so no system CJK font package is
 * needed.
 */
async function chineseFontConfig(): Promise<string> {
  const packageJson = require.resolve('@fontsource/noto-sans-sc/package.json');
  const { version } = JSON.parse(await readFile(packageJson, 'utf8')) as { version: string };
  const dir = path.join(os.tmpdir(), `jsreg-test-fonts-${version}-3`);
  const config = path.join(dir, 'fonts.conf');
  if (existsSync(config)) return config; // written last, so the fonts are there
  await mkdir(dir, { recursive: true });
  for (const weight of [400, 700]) {
    const name = `noto-sans-sc-chinese-simplified-${weight}-normal`;
    const woff2 = await readFile(path.join(path.dirname(packageJson), 'files', `${name}.woff2`));
    await writeAtomically(path.join(dir, `${name}.otf`), Buffer.from(await decompress(woff2)));
  }
  await writeAtomically(
    config,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${dir}</dir>
  <cachedir>${path.join(dir, 'cache')}</cachedir>
  <!-- The subset files name their family "Noto Sans SC Thin"; installed, the font is "Noto Sans SC". -->
  <match target="scan">
    <test name="family"><string>Noto Sans SC Thin</string></test>
    <edit name="family" mode="assign" binding="same"><string>Noto Sans SC</string></edit>
  </match>
</fontconfig>
`,
  );
  return config;
}

/**
 * A fontconfig file with the system's fonts less any that covers Chinese, Japanese or Korean, and
 * its path: a Linux desktop that shows boxes for Chinese, whatever this machine has installed.
 * (With no font at all, Chromium loads no web font either: every face fails unfetched.)
 */
async function latinFontConfig(): Promise<string> {
  const dir = path.join(os.tmpdir(), 'jsreg-test-fonts-latin');
  const config = path.join(dir, 'fonts.conf');
  if (existsSync(config)) return config;
  await mkdir(dir, { recursive: true });
  const reject = ['zh-cn', 'zh-tw', 'zh-hk', 'ja', 'ko']
    .map((lang) => `    <pattern><patelt name="lang"><string>${lang}</string></patelt></pattern>`)
    .join('\n');
  await writeAtomically(
    config,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont>
    <rejectfont>
${reject}
    </rejectfont>
  </selectfont>
  <cachedir>${path.join(dir, 'cache')}</cachedir>
</fontconfig>
`,
  );
  return config;
}

/** Test files run in parallel: each writes its own copy and renames it into place. */
async function writeAtomically(file: string, data: string | Buffer) {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, file);
}

/** A phone-sized window (the site's users are mostly on phones). */
export const PHONE: Viewport = {
  width: 375,
  height: 812,
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};
