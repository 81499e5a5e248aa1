import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { paths } from '../../routes/paths.js';
import { csrfTokenFrom, integrationSuite, signInNewPerson, refusedAt } from '../support/app.js';
import { NOW } from '../support/fixtures.js';

// The ID photo through the real app: bad files get a message at the field and nothing is stored.

const suite = integrationSuite({ clock: NOW });

/** What every stored file is served under: no sources, no scripts, an opaque origin. */
const FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

const image = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#c8d4e0' } })
    .jpeg()
    .toBuffer();

async function signedIn() {
  const { person, agent } = await signInNewPerson(suite.t, { completeProfile: false });
  const token = await csrfTokenFrom(agent, paths.me.profile);
  return { person, agent, token };
}

const fileCount = async () =>
  (await suite.t.db.sql`select count(*)::int as n from files`)[0]!.n as number;

describe('the ID photo', () => {
  it.each([
    [
      'a renamed executable',
      async () => (await readFile(process.execPath)).subarray(0, 4096),
      'photo.jpg',
      '证件照只能是JPG或PNG格式的图片',
    ],
    ['a 0-byte file', () => Promise.resolve(Buffer.alloc(0)), 'empty.jpg', '所选文件是空的'],
    [
      'an 11 MB file',
      () => Promise.resolve(Buffer.alloc(11 * 1024 * 1024, 0xff)),
      'big.jpg',
      '文件不能超过10MB',
    ],
    ['a 100x100 photo', () => image(100, 100), 'small.jpg', '证件照尺寸太小'],
  ])(
    'refuses %s with a message at the field, storing nothing',
    async (_what, bytes, name, message) => {
      const { agent, token, person } = await signedIn();
      const before = await fileCount();
      const res = await refusedAt(
        agent,
        agent
          .post(paths.me.photo)
          .field('_csrf', token)
          .field('photoRecent', 'yes')
          .attach('photo', await bytes(), name),
        paths.me.profile,
      );
      expect(res.status).toBe(200);
      expect(res.text).toContain(message);
      expect(res.text).toContain('href="#photo"');
      expect(await fileCount()).toBe(before);
      const [row] = await suite.t.db
        .sql`select photo_file_id from persons where id = ${person.personId}`;
      expect(row?.photo_file_id).toBeNull();
    },
  );

  it('stores a good photo re-encoded, serves it to its owner only, shown in the browser', async () => {
    const { agent, token, person } = await signedIn();
    const noDeclaration = await refusedAt(
      agent,
      agent
        .post(paths.me.photo)
        .field('_csrf', token)
        .attach('photo', await image(600, 800), '照片.jpg'),
      paths.me.profile,
    );
    expect(noDeclaration.status).toBe(200);
    expect(noDeclaration.text).toContain('请确认照片是近6个月内拍摄的免冠证件照');

    const res = await agent
      .post(paths.me.photo)
      .field('_csrf', token)
      .field('photoRecent', 'yes')
      .attach('photo', await image(600, 800), '照片.jpg');
    expect(res.status).toBe(303);
    const [row] = await suite.t.db.sql<{ photo_file_id: string }[]>`
      select photo_file_id from persons where id = ${person.personId}`;
    const file = await agent.get(paths.file(row!.photo_file_id)).buffer(true);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('image/jpeg');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(String(file.headers['content-disposition'])).toMatch(/^inline; filename=/);
    expect(file.headers['content-security-policy']).toBe(FILE_POLICY);
    expect(file.headers['cache-control']).toBe('private, no-store');
    const meta = await sharp(file.body as Buffer).metadata();
    expect([meta.width, meta.height]).toEqual([295, 413]);

    const stranger = await signedIn();
    expect((await stranger.agent.get(paths.file(row!.photo_file_id))).status).toBe(404);
    expect((await request(suite.t.app).get(paths.file(row!.photo_file_id))).status).toBe(404);
  });

  it('refuses multipart posts without the token, on upload routes and everywhere else', async () => {
    const { agent, token } = await signedIn();
    const photo = await agent
      .post(paths.me.photo)
      .field('photoRecent', 'yes')
      .attach('photo', await image(600, 800), 'p.jpg');
    expect(photo.status).toBe(403);
    const logout = await agent.post(paths.logout).field('_csrf', token);
    expect(logout.status).toBe(403);
    expect((await agent.get(paths.me.home)).status).toBe(200); // still signed in
  });
});
