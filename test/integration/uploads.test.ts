import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import express from 'express';
import type { ErrorRequestHandler } from 'express';
import session from 'express-session';
import sharp from 'sharp';
import request from 'supertest';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { saveMaterial } from '../../lib/filing/index.js';
import { NotFoundError } from '../../lib/platform/index.js';
import { csrfProtection, csrfToken } from '../../routes/middleware/csrf.js';
import { sendStoredFile, uploadedFile, uploadFields } from '../../routes/middleware/uploads.js';
import { preparePhoto, readFileFor, storeFile } from '../../lib/files/index.js';
import { paths } from '../../routes/paths.js';
import {
  csrfTokenFrom,
  integrationSuite,
  signInNewEnterprise,
  signInNewPerson,
  refusedAt,
} from '../support/app.js';
import type { PersonFixture } from '../support/fixtures.js';
import { createPerson, insertApplication } from '../support/fixtures.js';

const suite = integrationSuite();

/** What every stored file is served under: no sources, no scripts, an opaque origin. */
const FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
let owner: PersonFixture;
let other: PersonFixture;
const filesDir = () => path.join(suite.t.services.config.dataDir, 'files');

beforeAll(async () => {
  const at = suite.t.clock.now();
  owner = await createPerson(suite.t.db.sql, at, { completeProfile: false });
  other = await createPerson(suite.t.db.sql, at, { completeProfile: false });
});

/** Every file in the store, as paths relative to it. */
async function storedOnDisk(): Promise<string[]> {
  try {
    return (await readdir(filesDir(), { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(filesDir(), path.join(entry.parentPath, entry.name)));
  } catch {
    return [];
  }
}

/** The demo data's photos and scans, there before any test here (read on first use). */
let demoFiles: string[] | undefined;
async function demoFileIds(): Promise<string[]> {
  demoFiles ??= (await suite.t.db.sql<{ id: string }[]>`select id from files`).map((r) => r.id);
  return demoFiles;
}

/** Files stored by the tests here: the demo data's photos and scans are left out. */
async function fileRows(): Promise<number> {
  const [row] = await suite.t.db.sql<{ n: number }[]>`
    select count(*)::int as n from files f where not (f.id = any(${await demoFileIds()}::uuid[]))`;
  return row!.n;
}

const photoJpeg = () =>
  sharp({ create: { width: 600, height: 800, channels: 3, background: '#d0e0ff' } })
    .jpeg()
    .toBuffer();

describe('storeFile and readFileFor', () => {
  it('gives the file back to its owner, with its type and cleaned name', async () => {
    const bytes = Buffer.from('%PDF-1.4\n% a tiny document\n%%EOF\n');
    const id = await storeFile(suite.t.db.sql, suite.t.services.fileStore, {
      bytes,
      contentType: 'application/pdf',
      originalName: 'C:\\fakepath\\劳动合同.pdf',
      ownerAccountId: owner.accountId,
      at: suite.t.clock.now(),
    });
    const file = await readFileFor(suite.t.db.sql, suite.t.services.fileStore, id, owner.accountId);
    expect(file).toEqual({ bytes, contentType: 'application/pdf', originalName: '劳动合同.pdf' });
  });

  it('answers "not found" to another account, and for ids that do not exist', async () => {
    const id = await storeFile(suite.t.db.sql, suite.t.services.fileStore, {
      bytes: await photoJpeg(),
      contentType: 'image/jpeg',
      originalName: 'photo.jpg',
      ownerAccountId: owner.accountId,
      at: suite.t.clock.now(),
    });
    const read = (fileId: string, accountId: string) =>
      readFileFor(suite.t.db.sql, suite.t.services.fileStore, fileId, accountId);
    await expect(read(id, other.accountId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(read(crypto.randomUUID(), owner.accountId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(read('../../etc/passwd', owner.accountId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps the same bytes once on disk, under <aa>/<sha256>, however often they are stored', async () => {
    const bytes = Buffer.from(`%PDF-1.4\n% stored twice ${crypto.randomUUID()}\n%%EOF\n`);
    const before = await storedOnDisk();
    const store = (ownerAccountId: string) =>
      storeFile(suite.t.db.sql, suite.t.services.fileStore, {
        bytes,
        contentType: 'application/pdf',
        originalName: 'a.pdf',
        ownerAccountId,
        at: suite.t.clock.now(),
      });
    const first = await store(owner.accountId);
    const second = await store(other.accountId);
    expect(first).not.toBe(second);

    const added = (await storedOnDisk()).filter((f) => !before.includes(f));
    const [row] = await suite.t.db.sql<
      { sha256: string }[]
    >`select sha256 from files where id = ${first}`;
    expect(added).toEqual([path.join(row!.sha256.slice(0, 2), row!.sha256)]);
    // Each owner still sees only their own row of it.
    expect(
      (await readFileFor(suite.t.db.sql, suite.t.services.fileStore, second, other.accountId))
        .bytes,
    ).toEqual(bytes);
    await expect(
      readFileFor(suite.t.db.sql, suite.t.services.fileStore, second, owner.accountId),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

/**
 * A small app wired like lib/app.ts: urlencoded parser, session, the upload and download routes
 * (as the upload routers, before the app-wide CSRF check), then the check and a route without uploads.
 */
function uploadApp() {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(session({ secret: 'test-only-secret', resave: false, saveUninitialized: false }));
  app.use(csrfToken);
  const accountOf = (req: express.Request) =>
    (req.session as unknown as { accountId?: string }).accountId;

  app.get('/login-as/:accountId', (req, res) => {
    (req.session as unknown as { accountId?: string }).accountId = req.params.accountId;
    res.json({ token: res.locals.csrf() });
  });

  // What a real route does: field errors from the parser and from the checks, typed values kept.
  app.post(
    '/photo',
    uploadFields([{ name: 'photo' }, { name: 'attachments', maxCount: 2 }]),
    async (req, res) => {
      const body = { ...(req.body as Record<string, unknown>) };
      delete body._csrf;
      const errors: Record<string, string> = { ...req.uploadErrors };
      const photo = uploadedFile(req, 'photo');
      let prepared: Buffer | undefined;
      if (!errors.photo && photo) {
        const result = await preparePhoto(photo.buffer);
        if (result.ok) prepared = result.bytes;
        else errors.photo = result.message;
      }
      if (!errors.photo && !photo) errors.photo = '请选择证件照';
      if (Object.keys(errors).length > 0 || !prepared || !photo) {
        res.status(422).json({ errors, body });
        return;
      }
      const id = await storeFile(suite.t.db.sql, suite.t.services.fileStore, {
        bytes: prepared,
        contentType: 'image/jpeg',
        originalName: photo.originalname,
        ownerAccountId: accountOf(req)!,
        at: suite.t.clock.now(),
      });
      res.status(201).json({ id, body });
    },
  );

  app.use(csrfProtection);
  app.post('/no-uploads', (req, res) => {
    res.json({ body: req.body as unknown });
  });

  app.get('/files/:id', async (req, res) => {
    const file = await readFileFor(
      suite.t.db.sql,
      suite.t.services.fileStore,
      req.params.id,
      accountOf(req)!,
    );
    sendStoredFile(res, file);
  });

  const errors: ErrorRequestHandler = (err: { status?: number }, _req, res, _next) => {
    res.status(err instanceof NotFoundError ? 404 : (err.status ?? 500)).send('error');
  };
  app.use(errors);
  return app;
}

async function signedIn(accountId: string) {
  const agent = request.agent(uploadApp());
  const res = await agent.get(`/login-as/${accountId}`);
  return { agent, token: (res.body as { token: string }).token };
}

describe('the upload middleware with the app-wide CSRF check', () => {
  beforeEach(async () => {
    await suite.t.db.sql`
      delete from files f where not (f.id = any(${await demoFileIds()}::uuid[]))`;
  });

  it('refuses a multipart post without the token, or with a wrong one (403)', async () => {
    const { agent } = await signedIn(owner.accountId);
    const none = await agent
      .post('/photo')
      .field('name', '张三')
      .attach('photo', await photoJpeg(), 'p.jpg');
    expect(none.status).toBe(403);
    const wrong = await agent
      .post('/photo')
      .field('_csrf', 'not-the-token')
      .attach('photo', await photoJpeg(), 'p.jpg');
    expect(wrong.status).toBe(403);
    expect(await fileRows()).toBe(0);
  });

  it('refuses a multipart post to any route without the upload middleware, token or not', async () => {
    const { agent, token } = await signedIn(owner.accountId);
    const res = await agent.post('/no-uploads').field('_csrf', token).field('name', '张三');
    expect(res.status).toBe(403);
    const plain = await agent.post('/no-uploads').type('form').send({ name: '张三' });
    expect(plain.status).toBe(403);
    const good = await agent.post('/no-uploads').type('form').send({ _csrf: token, name: '张三' });
    expect(good.status).toBe(200);
  });

  it('stores a good photo, re-encoded, under the name the browser sent', async () => {
    const { agent, token } = await signedIn(owner.accountId);
    const res = await agent
      .post('/photo')
      .field('_csrf', token)
      .field('name', '张三')
      .attach('photo', await photoJpeg(), '我的证件照.jpg');
    expect(res.status).toBe(201);
    const { id } = res.body as { id: string };
    const file = await readFileFor(suite.t.db.sql, suite.t.services.fileStore, id, owner.accountId);
    expect(file.originalName).toBe('我的证件照.jpg');
    expect(await sharp(file.bytes).metadata()).toMatchObject({ width: 295, height: 413 });
  });

  it('an 11 MB file: a message at the field, the other fields kept, nothing stored', async () => {
    const { agent, token } = await signedIn(owner.accountId);
    const before = await storedOnDisk();
    const res = await agent
      .post('/photo')
      .field('_csrf', token)
      .field('name', '张三')
      .field('phone', '13912345678')
      .attach('photo', Buffer.alloc(11 * 1024 * 1024, 0xff), 'huge.jpg');
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      errors: { photo: '文件不能超过10MB' },
      body: { name: '张三', phone: '13912345678' },
    });
    expect(await fileRows()).toBe(0);
    expect(await storedOnDisk()).toEqual(before);
  });

  it.each([
    [
      'a renamed executable',
      () => readHead(process.execPath),
      'photo.jpg',
      '证件照只能是JPG或PNG格式的图片',
    ],
    [
      'an empty file',
      () => Promise.resolve(Buffer.alloc(0)),
      'photo.jpg',
      '所选文件是空的，请重新选择',
    ],
    [
      'a 100x100 photo',
      () =>
        sharp({ create: { width: 100, height: 100, channels: 3, background: '#fff' } })
          .png()
          .toBuffer(),
      'photo.png',
      '证件照尺寸太小：至少宽295像素、高413像素，当前为100×100',
    ],
  ])(
    '%s: a message at the field, the other fields kept, nothing stored',
    async (_, bytes, name, message) => {
      const { agent, token } = await signedIn(owner.accountId);
      const before = await storedOnDisk();
      const res = await agent
        .post('/photo')
        .field('_csrf', token)
        .field('name', '张三')
        .attach('photo', await bytes(), name);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ errors: { photo: message }, body: { name: '张三' } });
      expect(await fileRows()).toBe(0);
      expect(await storedOnDisk()).toEqual(before);
    },
  );

  it('too many files in one field: a message at that field', async () => {
    const { agent, token } = await signedIn(owner.accountId);
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    const res = await agent
      .post('/photo')
      .field('_csrf', token)
      .field('name', '张三')
      .attach('attachments', pdf, 'a.pdf')
      .attach('attachments', pdf, 'b.pdf')
      .attach('attachments', pdf, 'c.pdf');
    expect(res.status).toBe(422);
    expect((res.body as { errors: unknown }).errors).toEqual({
      attachments: '此处最多只能上传2个文件',
      photo: '请选择证件照',
    });
  });

  it('too many files after an input left empty: still a message at the field', async () => {
    const { agent, token } = await signedIn(owner.accountId);
    // As a browser sends it: the empty photo input is a part with filename="".
    const boundary = '----upload-test';
    const part = (headers: string, body: string) =>
      `--${boundary}\r\n${headers}\r\n\r\n${body}\r\n`;
    const file = (field: string, name: string) =>
      part(
        `Content-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: application/octet-stream`,
        name ? '%PDF-1.4\n%%EOF' : '',
      );
    const body =
      part('Content-Disposition: form-data; name="_csrf"', token) +
      file('photo', '') +
      file('attachments', 'a.pdf') +
      file('attachments', 'b.pdf') +
      file('attachments', 'c.pdf') +
      `--${boundary}--\r\n`;
    const res = await agent
      .post('/photo')
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
      .send(body);
    expect(res.status).toBe(422);
    expect((res.body as { errors: unknown }).errors).toEqual({
      attachments: '此处最多只能上传2个文件',
      photo: '请选择证件照',
    });
  });

  it('a file field the form does not have is a 400, not a 500', async () => {
    const { agent, token } = await signedIn(owner.accountId);
    const res = await agent
      .post('/photo')
      .field('_csrf', token)
      .attach('other', Buffer.from('%PDF-1.4\n'), 'x.pdf');
    expect(res.status).toBe(400);
  });

  it('serves an image to its owner only, shown in the browser, never sniffed or cached', async () => {
    const { agent, token } = await signedIn(owner.accountId);
    const res = await agent
      .post('/photo')
      .field('_csrf', token)
      .attach('photo', await photoJpeg(), '证件照.html');
    expect(res.status).toBe(201);
    const { id } = res.body as { id: string };

    const shown = await agent.get(`/files/${id}`).buffer(true);
    expect(shown.status).toBe(200);
    expect(shown.headers['content-type']).toBe('image/jpeg');
    expect(shown.headers['x-content-type-options']).toBe('nosniff');
    expect(shown.headers['content-disposition']).toMatch(/^inline; filename=/);
    // Saved from the browser, it is a .jpg whatever the sender called it.
    expect(shown.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent('证件照.html.jpg')}`,
    );
    expect(shown.headers['content-security-policy']).toBe(FILE_POLICY);
    expect(shown.headers['cache-control']).toBe('private, no-store');

    const stranger = await signedIn(other.accountId);
    expect((await stranger.agent.get(`/files/${id}`)).status).toBe(404);
  });

  it('serves a PDF as a download, with the same headers', async () => {
    const bytes = Buffer.from('%PDF-1.4\n% a contract\n%%EOF\n');
    const id = await storeFile(suite.t.db.sql, suite.t.services.fileStore, {
      bytes,
      contentType: 'application/pdf',
      originalName: '劳动合同.pdf',
      ownerAccountId: owner.accountId,
      at: suite.t.clock.now(),
    });
    const { agent } = await signedIn(owner.accountId);
    const download = await agent.get(`/files/${id}`).buffer(true);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename=/);
    expect(download.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent('劳动合同.pdf')}`,
    );
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers['content-security-policy']).toBe(FILE_POLICY);
    expect(download.headers['cache-control']).toBe('private, no-store');
    expect(download.body).toEqual(bytes);
  });
});

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file);
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

describe('a material saved into a draft', () => {
  const scan = (name: string) => ({
    bytes: Buffer.from(`%PDF-1.4\n% ${name}\n%%EOF\n`),
    contentType: 'application/pdf' as const,
    originalName: `${name}.pdf`,
  });
  const fileRows = async () =>
    Number((await suite.t.db.sql`select count(*)::int as n from files`)[0]!.n as number);

  it('is stored with the draft in one transaction: two at once both stay, a refused one stores nothing', async () => {
    const person = await createPerson(suite.t.db.sql, suite.t.clock.now());
    const id = await insertApplication(suite.t.db.sql, suite.t.clock.now(), {
      kind: 'out_of_province_qualification',
      state: 'draft',
      profession: 'architect',
      personId: person.personId,
      enterpriseId: null,
    });
    await Promise.all([
      saveMaterial(suite.t.services, person.accountId, id, 'certificate', scan('certificate')),
      saveMaterial(
        suite.t.services,
        person.accountId,
        id,
        'previous-registration',
        scan('previous'),
      ),
    ]);
    const [row] = await suite.t.db.sql<{ draft: { uploads: Record<string, string> } }[]>`
      select draft from applications where id = ${id}`;
    expect(Object.keys(row!.draft.uploads).sort()).toEqual([
      'certificate',
      'previous-registration',
    ]);

    const other = await createPerson(suite.t.db.sql, suite.t.clock.now());
    const before = await fileRows();
    await expect(
      saveMaterial(suite.t.services, other.accountId, id, 'certificate', scan('not theirs')),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await fileRows()).toBe(before);
  });
});

/** What a file can carry after its image: a page of script and an (empty) zip archive. */
const TRAILER = Buffer.concat([
  Buffer.from('<html><script>alert("hidden")</script></html>'),
  Buffer.from('PK\x05\x06', 'latin1'),
  Buffer.alloc(18),
]);

const scanImage = (format: 'jpeg' | 'png') =>
  sharp({ create: { width: 800, height: 1100, channels: 3, background: '#f4f4f4' } })
    [format]()
    .toBuffer()
    .then((image) => Buffer.concat([image, TRAILER]));

/** A stored file as its reader gets it: decodable, shown in the browser, nothing after the image. */
async function expectServedClean(
  agent: ReturnType<typeof request.agent>,
  fileId: string,
  format: 'jpeg' | 'png',
) {
  const res = await agent.get(paths.file(fileId)).buffer(true);
  expect(res.status).toBe(200);
  const bytes = res.body as Buffer;
  expect(bytes.includes('<script'), 'the script after the image').toBe(false);
  expect(bytes.includes(Buffer.from('PK\x05\x06', 'latin1')), 'the zip after the image').toBe(
    false,
  );
  expect(await sharp(bytes).metadata()).toMatchObject({ format, width: 800, height: 1100 });
  expect(res.headers['content-type']).toBe(`image/${format}`);
  expect(res.headers['content-disposition']).toMatch(/^inline; filename=/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['content-security-policy']).toBe(FILE_POLICY);
  expect(res.headers['cache-control']).toBe('private, no-store');
}

describe('image materials through the app’s forms', () => {
  it('the wizard stores a JPEG and a PNG re-encoded, nothing after the image kept, shown to the person only', async () => {
    const { person, agent } = await signInNewPerson(suite.t);
    const id = await insertApplication(suite.t.db.sql, suite.t.clock.now(), {
      kind: 'out_of_province_qualification',
      state: 'draft',
      profession: 'architect',
      personId: person.personId,
      enterpriseId: null,
      draft: { outOfProvince: { registeredElsewhere: true } },
    });
    const _csrf = await csrfTokenFrom(agent, paths.me.step(id, 'uploads'));
    const upload = async (purpose: string, bytes: Buffer, name: string) =>
      agent.post(paths.me.upload(id, purpose)).field('_csrf', _csrf).attach('file', bytes, name);
    expect(
      (await upload('qualification-certificate', await scanImage('jpeg'), '资格证书.jpg')).status,
    ).toBe(303);
    expect(
      (await upload('previous-registration', await scanImage('png'), '注销证明.png')).status,
    ).toBe(303);

    const [row] = await suite.t.db.sql<{ draft: { uploads: Record<string, string> } }[]>`
      select draft from applications where id = ${id}`;
    const { uploads } = row!.draft;
    await expectServedClean(agent, uploads['qualification-certificate']!, 'jpeg');
    await expectServedClean(agent, uploads['previous-registration']!, 'png');
    const page = await agent.get(paths.me.step(id, 'uploads'));
    expect(page.text).toContain(`href="${paths.file(uploads['qualification-certificate']!)}"`);

    const stranger = await signInNewPerson(suite.t);
    expect(
      (await stranger.agent.get(paths.file(uploads['qualification-certificate']!))).status,
    ).toBe(404);

    // An image that does not decode: a message at the field, the material kept as it was.
    const jpeg = await scanImage('jpeg');
    const damaged = await refusedAt(
      agent,
      upload('qualification-certificate', jpeg.subarray(0, 600), '坏.jpg'),
      paths.me.step(id, 'uploads'),
    );
    expect(damaged.status).toBe(200);
    expect(damaged.text).toContain('无法读取这张图片，请换一张重新上传');
    const [after] = await suite.t.db.sql<{ draft: { uploads: Record<string, string> } }[]>`
      select draft from applications where id = ${id}`;
    expect(after!.draft.uploads).toEqual(uploads);
  });

  it('the enterprise’s signed form scan is re-encoded too', async () => {
    const signed = await signInNewEnterprise(suite.t);
    const person = await createPerson(suite.t.db.sql, suite.t.clock.now());
    const id = await insertApplication(suite.t.db.sql, suite.t.clock.now(), {
      kind: 'initial',
      state: 'awaiting_signed_form',
      profession: 'constructor',
      personId: person.personId,
      enterpriseId: signed.enterprise.enterpriseId,
    });
    const res = await signed.agent
      .post(paths.org.signedForm(id))
      .field('_csrf', signed._csrf)
      .attach('file', await scanImage('png'), '申请表.png');
    expect(res.status).toBe(303);
    const [row] = await suite.t.db.sql<{ fileId: string }[]>`
      select signed_form_file_id as "fileId" from applications where id = ${id}`;
    await expectServedClean(signed.agent, row!.fileId, 'png');
  });
});
