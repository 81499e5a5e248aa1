import type { Express } from 'express';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { SERVICE_NAME } from './middleware/views.js';
import { paths } from './paths.js';

/**
 * The HTTP server of the app. Node answers a request it cannot parse (a query string longer than
 * its header limit, say) itself, before Express sees it, with an empty page; here it gets a short
 * page in Chinese saying what happened and leading back.
 */
export function createHttpServer(app: Express): Server {
  const server = createServer(app);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node's own handler: never write into a response already under way on this connection.
    const underWay = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage
      ?.headersSent;
    if (!socket.writable || underWay || (err.code === 'ECONNRESET' && !socket.readable)) {
      socket.destroy();
      return;
    }
    const tooLong = err.code === 'HPE_HEADER_OVERFLOW';
    socket.end(
      tooLong
        ? clientErrorResponse(431, 'Request Header Fields Too Large', '网址过长', TOO_LONG)
        : clientErrorResponse(400, 'Bad Request', '请求无法识别', UNREADABLE),
    );
  });
  return server;
}

const TOO_LONG = '您打开的网址过长，本网站无法处理。请回到上一页，缩短搜索内容后重试。';
const UNREADABLE = '您的浏览器发出的请求无法识别。请回到首页重新进入。';

function clientErrorResponse(status: number, reason: string, title: string, message: string) {
  const body = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} - ${SERVICE_NAME}</title>
<link rel="stylesheet" href="${paths.assets}/css/site.css"></head>
<body><header class="site-header"><div class="container site-header__inner">
<a class="site-header__name" href="${paths.home}">${SERVICE_NAME}</a></div></header>
<main class="container main" id="main"><h1>${title}</h1><p>${message}</p>
<p><a href="${paths.home}">返回首页</a></p></main></body>
</html>
`;
  return [
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: text/html; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    "Content-Security-Policy: default-src 'none'; style-src 'self'; frame-ancestors 'none'",
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
