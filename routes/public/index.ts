import type { RequestHandler } from 'express';
import { Router } from 'express';
import type { Services } from '../../lib/services/index.js';
import { paths } from '../paths.js';
import { announcementPages } from './announcements.js';

/** The public pages; `ifSession` reads a session only for a visitor who brings one. */
export function publicRoutes(services: Services, ifSession: RequestHandler): Router {
  const router = Router();
  announcementPages(router, services, ifSession);
  router.get(paths.home, ifSession, (_req, res) => {
    res.render('pages/home', { title: '首页' });
  });
  // 办事指南: the kinds of application, who does what, the rules people trip on, the hotlines.
  router.get(paths.help, ifSession, (_req, res) => {
    res.render('pages/help', { title: '办事指南' });
  });
  // The public look-up and verification services are built by later work; until
  // then these say so plainly instead of answering 404 from the home page's links.
  const comingSoon = {
    [paths.search]: '注册信息查询',
    [paths.verify]: '电子证书核验',
  };
  for (const [path, title] of Object.entries(comingSoon)) {
    router.get(path, ifSession, (_req, res) => {
      res.render('pages/coming-soon', { title });
    });
  }
  return router;
}
