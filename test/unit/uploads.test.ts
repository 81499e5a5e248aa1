import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  checkUpload,
  cleanOriginalName,
  createLocalFileStore,
  MAX_SCAN_SIDE,
  MAX_UPLOAD_BYTES,
  PHOTO_HEIGHT,
  PHOTO_WIDTH,
  prepareDocument,
  preparePhoto,
  sha256Hex,
  UPLOAD_TYPES,
  uploadMessages,
} from '../../lib/files/index.js';

// Every fixture is made here, from nothing committed: images with sharp, the rest by hand.

/** The first 4 KB of the running node binary: a real executable (ELF on Linux). */
async function executableBytes(): Promise<Buffer> {
  const file = await open(process.execPath);
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(4096), 0, 4096, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** A one-page PDF with a correct cross-reference table. */
function minimalPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const offset = pdf.length;
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

function image(width: number, height: number) {
  return sharp({
    create: { width, height, channels: 3, background: { r: 200, g: 220, b: 255 } },
  });
}

const documents = { accept: UPLOAD_TYPES };

describe('checkUpload', () => {
  it('refuses a renamed executable: the type comes from the bytes, not the name', async () => {
    const exe = await executableBytes();
    expect(exe.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(await checkUpload(exe, documents)).toEqual({
      ok: false,
      message: '只能上传JPG、PNG或PDF格式的文件',
    });
    expect((await preparePhoto(exe)).ok).toBe(false);
  });

  it('refuses an empty file', async () => {
    expect(await checkUpload(Buffer.alloc(0), documents)).toEqual({
      ok: false,
      message: '所选文件是空的，请重新选择',
    });
  });

  it('refuses a file over 10 MB, even one that starts like a JPEG', async () => {
    const jpeg = await image(400, 600).jpeg().toBuffer();
    const big = Buffer.concat([jpeg, Buffer.alloc(11 * 1024 * 1024 - jpeg.length)]);
    expect(await checkUpload(big, documents)).toEqual({ ok: false, message: '文件不能超过10MB' });
    const justFits = Buffer.concat([jpeg, Buffer.alloc(MAX_UPLOAD_BYTES - jpeg.length)]);
    expect(await checkUpload(justFits, documents)).toEqual({ ok: true, contentType: 'image/jpeg' });
  });

  it('accepts JPEG, PNG and PDF for documents, whatever they are called', async () => {
    expect(await checkUpload(await image(10, 10).jpeg().toBuffer(), documents)).toEqual({
      ok: true,
      contentType: 'image/jpeg',
    });
    expect(await checkUpload(await image(10, 10).png().toBuffer(), documents)).toEqual({
      ok: true,
      contentType: 'image/png',
    });
    expect(await checkUpload(minimalPdf(), documents)).toEqual({
      ok: true,
      contentType: 'application/pdf',
    });
  });

  it('refuses other real images and text', async () => {
    for (const bytes of [
      await image(10, 10).webp().toBuffer(),
      await image(10, 10).gif().toBuffer(),
      Buffer.from('<html><script>alert(1)</script></html>'),
    ]) {
      expect((await checkUpload(bytes, documents)).ok).toBe(false);
    }
  });

  it('names only the accepted types when a form takes fewer', async () => {
    const jpeg = await image(10, 10).jpeg().toBuffer();
    expect(await checkUpload(jpeg, { accept: ['application/pdf'] })).toEqual({
      ok: false,
      message: '只能上传PDF格式的文件',
    });
  });
});

describe('preparePhoto', () => {
  it('refuses a PDF, which is fine as a document', async () => {
    expect(await preparePhoto(minimalPdf())).toEqual({
      ok: false,
      message: '证件照只能是JPG或PNG格式的图片',
    });
  });

  it('refuses a 100x100 image as too small, saying how big it is', async () => {
    expect(await preparePhoto(await image(100, 100).png().toBuffer())).toEqual({
      ok: false,
      message: '证件照尺寸太小：至少宽295像素、高413像素，当前为100×100',
    });
    expect(await preparePhoto(await image(294, 500).png().toBuffer())).toEqual({
      ok: false,
      message: uploadMessages.photoTooSmall(294, 500),
    });
  });

  it('refuses a landscape photo as not portrait', async () => {
    expect(await preparePhoto(await image(600, 400).jpeg().toBuffer())).toEqual({
      ok: false,
      message: '证件照须为竖版（高大于宽）',
    });
    expect((await preparePhoto(await image(500, 500).jpeg().toBuffer())).ok).toBe(false);
  });

  it('re-encodes a 600x800 JPEG with EXIF to a 295x413 JPEG without metadata', async () => {
    const original = await image(600, 800)
      .jpeg()
      .withExif({ IFD0: { Copyright: '某照相馆', ImageDescription: 'GPS and camera details' } })
      .toBuffer();
    expect((await sharp(original).metadata()).exif).toBeDefined();

    const result = await preparePhoto(original);
    if (!result.ok) throw new Error(result.message);
    expect(result.contentType).toBe('image/jpeg');
    const meta = await sharp(result.bytes).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: PHOTO_WIDTH, height: PHOTO_HEIGHT });
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
  });

  it('turns a photo upright by its EXIF orientation before checking it', async () => {
    // Stored lying down (800x600) with "rotate 90°": upright it is 600x800, a portrait.
    const sideways = await image(800, 600).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const result = await preparePhoto(sideways);
    if (!result.ok) throw new Error(result.message);
    const meta = await sharp(result.bytes).metadata();
    expect([meta.width, meta.height, meta.orientation]).toEqual([295, 413, undefined]);
  });

  it('gives a transparent PNG a white background', async () => {
    const png = await sharp({
      create: { width: 300, height: 420, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const result = await preparePhoto(png);
    if (!result.ok) throw new Error(result.message);
    const { data } = await sharp(result.bytes).raw().toBuffer({ resolveWithObject: true });
    expect(Math.min(...data.subarray(0, 30))).toBeGreaterThan(245);
  });

  it('refuses a damaged photo whose header still reads well', async () => {
    const jpeg = await image(600, 800).jpeg().toBuffer();
    expect(await preparePhoto(jpeg.subarray(0, Math.floor(jpeg.length / 2)))).toEqual({
      ok: false,
      message: '无法读取这张图片，请换一张重新上传',
    });
  });
});

/** What a file can carry after its image: a page of script and an (empty) zip archive. */
const TRAILER = Buffer.concat([
  Buffer.from('<html><script>alert("hidden")</script></html>'),
  Buffer.from('PK\x05\x06', 'latin1'),
  Buffer.alloc(18),
]);

function expectNoTrailer(bytes: Buffer) {
  expect(bytes.includes('<script')).toBe(false);
  expect(bytes.includes(Buffer.from('PK\x05\x06', 'latin1'))).toBe(false);
}

/** A PNG whose header claims width x height, over a tiny image: what a decompression bomb says. */
async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await image(1, 1).png().toBuffer());
  // The IHDR chunk: length (4) at 8, "IHDR" at 12, width and height at 16 and 20, CRC at 29.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

describe('prepareDocument', () => {
  it('re-encodes a JPEG with bytes after its end: still a JPEG, the same size, nothing after it', async () => {
    const jpeg = await image(800, 1100)
      .jpeg()
      .withExif({ IFD0: { ImageDescription: 'GPS and camera details' } })
      .toBuffer();
    const result = await prepareDocument(Buffer.concat([jpeg, TRAILER]));
    if (!result.ok) throw new Error(result.message);
    expect(result.contentType).toBe('image/jpeg');
    expectNoTrailer(result.bytes);
    const meta = await sharp(result.bytes).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 800, height: 1100 });
    expect(meta.exif).toBeUndefined();
  });

  it('re-encodes a PNG with bytes after its end: still a PNG, the same size, nothing after it', async () => {
    const png = await image(800, 1100).png().toBuffer();
    const result = await prepareDocument(Buffer.concat([png, TRAILER]));
    if (!result.ok) throw new Error(result.message);
    expect(result.contentType).toBe('image/png');
    expectNoTrailer(result.bytes);
    expect(await sharp(result.bytes).metadata()).toMatchObject({
      format: 'png',
      width: 800,
      height: 1100,
    });
  });

  it('keeps a scanner’s black-and-white PNG a 1-bit palette PNG, no larger', async () => {
    const png = await image(600, 800).png({ palette: true, colours: 2 }).toBuffer();
    const result = await prepareDocument(png);
    if (!result.ok) throw new Error(result.message);
    expect(await sharp(result.bytes).metadata()).toMatchObject({
      isPalette: true,
      bitsPerSample: 1,
    });
    expect(result.bytes.length).toBeLessThanOrEqual(png.length);
  });

  it('turns a scan upright by its EXIF orientation', async () => {
    const sideways = await image(1100, 800).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const result = await prepareDocument(sideways);
    if (!result.ok) throw new Error(result.message);
    const meta = await sharp(result.bytes).metadata();
    expect([meta.width, meta.height, meta.orientation]).toEqual([800, 1100, undefined]);
  });

  it(`scales down only what is over ${MAX_SCAN_SIDE} px on its long side`, async () => {
    const a4At400dpi = await prepareDocument(await image(3308, 4677).jpeg().toBuffer());
    if (!a4At400dpi.ok) throw new Error(a4At400dpi.message);
    expect(await sharp(a4At400dpi.bytes).metadata()).toMatchObject({ width: 3308, height: 4677 });
    const large = await prepareDocument(await image(5600, 4200).jpeg().toBuffer());
    if (!large.ok) throw new Error(large.message);
    expect(await sharp(large.bytes).metadata()).toMatchObject({ width: 5000, height: 3750 });
  });

  it('stores a PDF as it came', async () => {
    const pdf = Buffer.concat([minimalPdf(), TRAILER]);
    expect(await prepareDocument(pdf)).toEqual({
      ok: true,
      bytes: pdf,
      contentType: 'application/pdf',
    });
  });

  it('refuses what it cannot decode, with a message for the person', async () => {
    const unreadable = { ok: false, message: '无法读取这张图片，请换一张重新上传' };
    const jpeg = await image(600, 800).jpeg().toBuffer();
    expect(await prepareDocument(jpeg.subarray(0, jpeg.length / 2))).toEqual(unreadable);
    const png = await image(600, 800).png().toBuffer();
    expect(await prepareDocument(png.subarray(0, png.length / 2))).toEqual(unreadable);
    // A decompression bomb: refused before its pixels are decoded.
    expect(await prepareDocument(await pngClaiming(20_000, 20_000))).toEqual(unreadable);
    expect((await prepareDocument(await executableBytes())).ok).toBe(false);
  });
});

describe('cleanOriginalName', () => {
  it('keeps only the last part of a path, without control characters, at most 200 characters', () => {
    expect(cleanOriginalName('../../etc/passwd', 'application/pdf')).toBe('passwd');
    expect(cleanOriginalName('C:\\Users\\张三\\证件照.jpg', 'image/jpeg')).toBe('证件照.jpg');
    expect(cleanOriginalName(' a\u0000b\r\n.png ', 'image/png')).toBe('ab.png');
    expect(cleanOriginalName(`${'长'.repeat(300)}.pdf`, 'application/pdf')).toHaveLength(200);
    expect(cleanOriginalName('photo\u202egpj.exe', 'image/jpeg')).toBe('photogpj.exe');
    expect(cleanOriginalName(`${'😀'.repeat(201)}`, 'image/jpeg')).toBe('😀'.repeat(200));
    expect(cleanOriginalName('../', 'application/pdf')).toBe('file.pdf');
    expect(cleanOriginalName('', 'image/jpeg')).toBe('file.jpg');
  });
});

describe('createLocalFileStore', () => {
  it('keeps equal content once, under <aa>/<sha256>, with no temporary files left', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'jsreg-store-'));
    try {
      const store = createLocalFileStore(dir);
      const bytes = Buffer.from('%PDF-1.4\n%%EOF\n');
      const sha256 = sha256Hex(bytes);
      expect(await store.has(sha256)).toBe(false);
      expect(await store.get(sha256)).toBeUndefined();

      const puts = await Promise.all([1, 2, 3, 4, 5].map(() => store.put(bytes)));
      expect(new Set(puts)).toEqual(new Set([sha256]));
      expect(await store.put(bytes)).toBe(sha256);
      expect(await readdir(dir, { recursive: true })).toEqual([
        sha256.slice(0, 2),
        path.join(sha256.slice(0, 2), sha256),
      ]);
      expect(await store.has(sha256)).toBe(true);
      expect(await store.get(sha256)).toEqual(bytes);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('takes nothing but a sha256 as a name', async () => {
    const store = createLocalFileStore(os.tmpdir());
    await expect(store.get('../../etc/passwd')).rejects.toThrow(/not a sha256/);
    await expect(store.has('A'.repeat(64))).rejects.toThrow(/not a sha256/);
  });
});
