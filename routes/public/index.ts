import { paths } from '../paths.js';
import type { Services } from '../../lib/services/index.js';
import { Router } from 'express';

export function publicRoutes(_services: Services): Router {
  const router = Router();
  router.get(paths.home, (_req, res) => {
    res.render('pages/home', { title: '首页' });
  });
  // The public look-up, verification and announcement services are built by later work; until
  // then these say so plainly instead of answering 404 from the home page's links.
  const comingSoon = {
    [paths.search]: '注册信息查询',
    [paths.verify]: '电子证书核验',
    [paths.announcements]: '注册公告',
  };
  for (const [path, title] of Object.entries(comingSoon)) {
    router.get(path, (_req, res) => {
      res.render('pages/coming-soon', { title });
    });
  }
  return router;
}
