import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { fileTypeFromFile } from 'file-type';
import mime from 'mime-types';
import sharp from 'sharp';
import { badRequest, Problem } from '../errors';

/** The folder of UPLOAD_DIR where uploads wait for their message (emptied at start). */
export const STAGING = '.staging';

export const isMultipart = (contentType: string | undefined) => /^multipart\/form-data\b/i.test(contentType ?? '');

/** How many files one message may carry. */
export const MAX_FILES = 10;
/** Images above this many pixels are refused before anything is decoded (decompression bombs). */
export const MAX_IMAGE_PIXELS = 40_000_000;
const THUMB_SIZE = 480;

// Declared extension → what file-type must find in the bytes. The old Office
// formats are all Compound File Binary containers.
const ACCEPTED: Record<string, string> = {
  pdf: 'pdf', doc: 'cfb', xls: 'cfb', ppt: 'cfb', docx: 'docx', xlsx: 'xlsx', pptx: 'pptx',
  jpg: 'jpg', jpeg: 'jpg', png: 'png', gif: 'gif', webp: 'webp', zip: 'zip', rar: 'rar', '7z': '7z',
};
const IMAGES = new Set(['jpg', 'png', 'gif', 'webp']);

/** A file received and checked, waiting in the staging folder for its message. */
export interface StagedFile {
  path: string;
  fileName: string;
  size: number;
  extension: string;
  mimeType: string;
  thumbnailPath: string | null;
}

export interface Upload {
  fields: Record<string, string>;
  files: StagedFile[];
}

/** Display name of an uploaded file: no folders, no control characters, at most 255 characters. */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const name = base.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return (name.replace(/^\.+/, '') || 'fichier').slice(-255);
}

/**
 * Streams a multipart/form-data body to disk under `stagingDir`: never the
 * whole body in memory, each file cut off (413) past `maxFileBytes`. Every
 * file is then typed from its bytes, which must agree with its extension
 * (415 otherwise), and images get a thumbnail. The caller removes
 * `stagingDir` afterwards, whatever happened.
 */
export async function receiveUpload(request: Request, stagingDir: string, maxFileBytes: number): Promise<Upload> {
  const type = request.headers.get('content-type') ?? '';
  if (!request.body) throw badRequest('The multipart body is empty.');
  await mkdir(stagingDir, { recursive: true });
  const fields: Record<string, string> = {};
  const received: { path: string; fileName: string; size: number }[] = [];
  const writes: Promise<void>[] = [];
  const streams: Readable[] = [];
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': type },
      // busboy signals 'limit' on reaching fileSize; one byte more means "over the maximum".
      limits: { fileSize: maxFileBytes + 1, files: MAX_FILES, fields: 3, fieldSize: 64 * 1024, parts: MAX_FILES + 3 },
      defParamCharset: 'utf8',
    });
  } catch {
    throw badRequest('The body must be multipart/form-data with a boundary.');
  }
  const done = new Promise<void>((resolve, reject) => {
    const tooMany = () => reject(new Problem(413, `A message carries at most ${MAX_FILES} files and the fields content, clientId and replyToId.`));
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) reject(new Problem(413, `The field ${name} is too long.`));
      else if (!['content', 'clientId', 'replyToId'].includes(name)) reject(badRequest(`Unknown field ${name}.`));
      else fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'files') {
        stream.resume();
        reject(badRequest(`Files go in the field "files", not "${name}".`));
        return;
      }
      const path = join(stagingDir, randomUUID());
      const file = { path, fileName: cleanFileName(info.filename ?? ''), size: 0 };
      received.push(file);
      streams.push(stream);
      stream.on('limit', () => reject(new Problem(413, `Each file must be at most ${maxFileBytes} bytes.`)));
      const count = new Transform({ transform(chunk: Buffer, _e, cb) { file.size += chunk.length; cb(null, chunk); } });
      writes.push(pipeline(stream, count, createWriteStream(path)));
    });
    parser.on('partsLimit', tooMany);
    parser.on('filesLimit', tooMany);
    parser.on('fieldsLimit', tooMany);
    parser.on('error', (err) => reject(badRequest(`The multipart body is malformed: ${(err as Error).message}.`)));
    parser.on('close', resolve);
  });
  const source = Readable.fromWeb(request.body as import('node:stream/web').ReadableStream);
  source.on('error', () => parser.destroy());
  source.pipe(parser);
  try {
    await done;
    await Promise.all(writes);
  } catch (err) {
    // Stop reading: the rest of the body is not wanted, and half-written files are dropped with stagingDir.
    source.unpipe(parser);
    source.destroy();
    for (const s of streams) s.destroy();
    await Promise.allSettled(writes);
    throw err;
  }
  const files: StagedFile[] = [];
  for (const file of received) files.push(await checkFile(file, stagingDir));
  return { fields, files };
}

/** Types a staged file from its bytes (415 unless they agree with its extension) and thumbnails pictures. */
export async function checkFile(file: { path: string; fileName: string; size: number }, stagingDir: string): Promise<StagedFile> {
  const declared = file.fileName.includes('.') ? file.fileName.split('.').pop()!.toLowerCase() : '';
  const expected = ACCEPTED[declared];
  if (!expected) throw new Problem(415, `${file.fileName}: this type of file is not accepted (PDF, Office, images, ZIP, RAR and 7z are).`);
  if (file.size === 0) throw badRequest(`${file.fileName} is empty.`);
  const found = await fileTypeFromFile(file.path);
  if (found?.ext !== expected) throw new Problem(415, `${file.fileName}: its content is not a .${declared} file.`);
  const extension = declared === 'jpeg' ? 'jpg' : declared;
  const staged: StagedFile = {
    ...file, extension, mimeType: mime.lookup(extension) || found.mime, thumbnailPath: null,
  };
  if (IMAGES.has(extension)) staged.thumbnailPath = await thumbnail(file, stagingDir);
  return staged;
}

async function thumbnail(file: { path: string; fileName: string }, stagingDir: string): Promise<string | null> {
  // The header tells the size without decoding a pixel, so no limit is needed to read it.
  const meta = await sharp(file.path, { limitInputPixels: false }).metadata().catch(() => null);
  if (!meta?.width || !meta.height) return null;
  if (meta.width * meta.height > MAX_IMAGE_PIXELS) {
    throw new Problem(413, `${file.fileName}: images may have at most ${MAX_IMAGE_PIXELS} pixels.`);
  }
  const out = join(stagingDir, `${randomUUID()}.webp`);
  try {
    // sharp works on libuv's thread pool: the event loop stays free meanwhile.
    await sharp(file.path, { limitInputPixels: MAX_IMAGE_PIXELS, animated: false })
      .rotate()
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 78 })
      .toFile(out);
    return out;
  } catch {
    // A picture that cannot be decoded is still a valid attachment, without a preview.
    await rm(out, { force: true });
    return null;
  }
}
