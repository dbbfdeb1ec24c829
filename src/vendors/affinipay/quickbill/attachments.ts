// Quick Bill file uploads (spec §2.E #58–60, §4.20): a multipart upload to the merchant's own
// organization is a core document, scanned (processing for a moment, then completed, or failed for
// the EICAR test file), attachable to an invoice once completed; unattached ones can be read and
// deleted under /contacts, attached ones only through their invoice.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantContext } from '../../../core/context.ts';
import type { DocumentRow } from '../../../core/database.ts';
import { deleteDocument, getDocument, scanState, storeDocument, unattachedDocuments } from '../../../core/documents/documents.ts';
import { reasonOf } from '../../../core/errors/domain-error.ts';
import { tenantOf } from '../../../http/auth.ts';
import { decodeXid, encodeXid, sameSecond } from '../ids.ts';
import type { Body } from '../wire.ts';
import { auditTrace, orgId, qbConflict, qbError, qbInvalid, qbNotFound } from './wire.ts';

const EXTENSIONS = new Set(['pdf', 'doc', 'docx', 'txt', 'rtf', 'xls', 'xlsx', 'csv', 'jpg', 'jpeg', 'png', 'tif', 'tiff', 'gif']);
const UNATTACHED_LIMIT = 10 * 1024 * 1024;

export const fileId = (doc: Pick<DocumentRow, 'id' | 'created_at'>): string => encodeXid('fref_', 'document', doc.id, doc.created_at);

export function renderFile(doc: DocumentRow, owner: string, now: number): Record<string, unknown> {
  const state = scanState(doc, now);
  const scanned = state !== 'processing';
  return {
    id: fileId(doc),
    file_name: doc.name,
    processing_state: state === 'stored' ? 'completed' : state,
    type: 'invoice_file_reference',
    created: auditTrace(owner, doc.created_at),
    modified: scanned ? auditTrace('SERVER', doc.created_at + 1000, '0.0.0.0') : auditTrace(owner, doc.updated_at),
  };
}

/** An upload of the acting mode by its fref_ id, attached or not; null when unknown. */
export async function findUpload(ctx: TenantContext, text: unknown): Promise<DocumentRow | null> {
  const decoded = decodeXid('fref_', 'document', text);
  if (!decoded) return null;
  const doc = await getDocument(ctx, decoded.id, 'attachment');
  return doc && sameSecond(decoded, doc.created_at) ? doc : null;
}

interface Part {
  name: string;
  filename?: string;
  contentType: string;
  data: Buffer;
}

/** The parts of a multipart/form-data body. */
function parseMultipart(body: Buffer, contentType: string): Part[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const chunk = body.subarray(start + delimiter.length, next);
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = chunk.subarray(0, headerEnd).toString('utf8');
      let data = chunk.subarray(headerEnd + 4);
      if (data.subarray(-2).toString() === '\r\n') data = data.subarray(0, -2);
      const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
      const name = /name="([^"]*)"/i.exec(disposition)?.[1] ?? '';
      const filename = /filename="([^"]*)"/i.exec(disposition)?.[1];
      const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
      parts.push({ name, ...(filename !== undefined ? { filename } : {}), contentType: type, data });
    }
    start = next;
  }
  return parts;
}

function ownOrg(ctx: TenantContext, text: unknown): void {
  if (text !== orgId(ctx.tenant)) throw qbNotFound();
}

async function upload(request: FastifyRequest): Promise<unknown> {
  const ctx = tenantOf(request);
  ownOrg(ctx, (request.params as Body).id);
  const type = String(request.headers['content-type'] ?? '');
  if (!/^multipart\/form-data/i.test(type)) throw qbError(400, 'invalid_request', 'A file is uploaded as multipart/form-data');
  const file = parseMultipart(request.rawBody ?? Buffer.alloc(0), type).find((part) => part.name === 'file' && part.filename !== undefined);
  if (!file || !file.filename) throw qbInvalid('file', 'file may not be empty');
  const extension = file.filename.split('.').pop()?.toLowerCase() ?? '';
  if (!file.filename.includes('.') || !EXTENSIONS.has(extension)) throw qbInvalid('file', `Files of type .${extension} cannot be attached`);
  const waiting = (await unattachedDocuments(ctx, 'attachment')).reduce((sum, doc) => sum + Number(doc.size), 0);
  if (waiting + file.data.length > UNATTACHED_LIMIT) throw qbInvalid('file', 'Unattached files may total at most 10 MB');
  const doc = await storeDocument(ctx, { kind: 'attachment', name: file.filename, contentType: file.contentType, content: file.data, scan: true });
  return renderFile(doc, orgId(ctx.tenant), ctx.clock.now());
}

async function uploaded(request: FastifyRequest): Promise<DocumentRow> {
  const ctx = tenantOf(request);
  const params = request.params as Body;
  ownOrg(ctx, params.id);
  const doc = await findUpload(ctx, params.attachment);
  if (!doc) throw qbNotFound();
  return doc;
}

export const attachmentHandlers = {
  upload,
  async one(request: FastifyRequest): Promise<unknown> {
    const ctx = tenantOf(request);
    const doc = await uploaded(request);
    if (doc.object_id !== null) throw qbNotFound();
    return renderFile(doc, orgId(ctx.tenant), ctx.clock.now());
  },
  async remove(request: FastifyRequest): Promise<unknown> {
    const ctx = tenantOf(request);
    const doc = await uploaded(request);
    try {
      const deleted = await deleteDocument(ctx, doc.id, 'attachment', null);
      return renderFile(deleted, orgId(ctx.tenant), ctx.clock.now());
    } catch (error) {
      if (reasonOf(error) === 'document_attached') throw qbConflict('The file is attached to an invoice: delete it through the invoice');
      throw error;
    }
  },
};

/** Uploads arrive as multipart bodies of up to 10 MB, kept raw for the upload route. */
export function acceptUploads(app: FastifyInstance): void {
  app.addContentTypeParser(/^multipart\/form-data/i, { parseAs: 'buffer', bodyLimit: UNATTACHED_LIMIT + 1024 * 1024 }, async (request: FastifyRequest, body: Buffer) => {
    request.rawBody = body;
    return {};
  });
}
