import sharp from 'sharp';
import type { FormQr } from '../documents/index.js';
import { formQrSvg } from '../documents/index.js';

/** A stand-in ID photo for demo persons: a 295x413 JPEG portrait silhouette on pale blue. */
export function demoPhoto(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="295" height="413">
    <rect width="295" height="413" fill="#dbe8f5"/>
    <circle cx="147" cy="150" r="72" fill="#6b7d90"/>
    <path d="M27 413 C 27 290, 267 290, 267 413 Z" fill="#6b7d90"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/** A stand-in scan for demo applications' materials: a white page marked as a demo. */
export function demoScan(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="620" height="877">
    <rect width="620" height="877" fill="#ffffff"/>
    <rect x="40" y="40" width="540" height="797" fill="none" stroke="#888" stroke-width="4"/>
    <text x="310" y="440" font-family="sans-serif" font-size="48" text-anchor="middle"
      fill="#888">DEMO SCAN</text>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}

/**
 * The demo's signed application form: the stand-in scan with the form's QR where the printed
 * form has it (top right), so the demo's scans match their applications as real ones would.
 */
export async function demoSignedForm(scan: Buffer, qr: FormQr): Promise<Buffer> {
  const svg = (await formQrSvg(qr)).replace('<svg ', '<svg width="180" height="180" ');
  return sharp(scan)
    .composite([{ input: Buffer.from(svg), top: 48, left: 392 }])
    .jpeg({ quality: 80 })
    .toBuffer();
}
