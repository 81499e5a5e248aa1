/**
 * Documents as PDFs: the one renderer on Puppeteer and the font every document uses; the
 * application form's content, its QR, and the QR read back from a signed scan.
 */
export * from './renderer.js';
export * from './fonts.js';
export * from './qr.js';
export * from './scan.js';
export * from './application-form.js';
