import { Readable } from 'node:stream';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { badRequest, ChatError, tooLarge } from './services/errors';
import { nodeEnv, requestHeader } from './node-env';

/** Whether a Content-Type is multipart/form-data (a message with files). */
export const isMultipart = (type: string | undefined) => /^multipart\/form-data\b/i.test(type ?? '');

/** Whether a Content-Type is JSON (application/json, or a +json type). */
export const isJson = (type: string | undefined) => /^application\/(.+\+)?json\s*(;|$)/i.test(type ?? '');

/**
 * Caps request bodies at `maxBytes` (413 past it, however they are sent);
 * multipart bodies are left to receiveUpload, which streams them to disk. On
 * Node, a JSON body is read straight from the request for the validators:
 * building a Web Request around every body cost about a tenth of the
 * server's CPU per sent message.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const tooBig = () => tooLarge(`The request body must be at most ${maxBytes} bytes.`, { reason: 'body-too-large', maxBytes });
  const limit = bodyLimit({ maxSize: maxBytes, onError: () => { throw tooBig(); } });
  return async (c, next) => {
    const type = requestHeader(c, 'Content-Type');
    if (isMultipart(type)) return next();
    const { incoming } = nodeEnv(c);
    // No Content-Length and no Transfer-Encoding: no body (RFC 9112 §6.3). Asked first, as hono's bodyLimit
    // would build a whole Web Request (kept as long as an event stream lasts) to find the body absent.
    if (incoming && !incoming.headers['content-length'] && !incoming.headers['transfer-encoding']) return next();
    if (!incoming || !isJson(type)) return limit(c, next);
    if (Number(incoming.headers['content-length']) > maxBytes) throw tooBig();
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of incoming as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) throw tooBig();
        chunks.push(chunk);
      }
    } catch (err) {
      // A client gone mid-body is not a server error.
      throw err instanceof ChatError ? err : badRequest('The request body could not be read.', { reason: 'body-unreadable' });
    }
    // Where c.req.json() reads the text from: the validators parse it (a 400 when it is not JSON).
    // (hono types the cache entries as Body's methods; it stores their promises.)
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(Buffer.concat(chunks).toString('utf8'));
    return next();
  };
}

/** The request's body as a Node stream: the Node request itself when there is one (no Web stream in between). */
export function requestBody(c: Context): Readable {
  const { incoming } = nodeEnv(c);
  if (incoming) return incoming;
  const body = c.req.raw.body;
  return body ? Readable.fromWeb(body as import('node:stream/web').ReadableStream) : Readable.from([]);
}
