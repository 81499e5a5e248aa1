/** Documents as PDFs: the one renderer on Puppeteer, and the font every document uses. */
export * from './renderer.js';
export * from './fonts.js';
