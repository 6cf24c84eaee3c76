/// <reference lib="dom" />
import type { z } from 'zod';
import type { alertDetailSchema, alertPageSchema, alertSummarySchema } from '../../api/routes/alerts/schema';
import type { boardSchema } from '../../api/routes/emergencies/emergencies.routes';
import type { storyDetailSchema } from '../../api/routes/stories/schema';
import type { postPageSchema } from '../../api/routes/posts/schema';
import type { digestSchema } from '../../digest/schema';

/** Response types come from the server's own zod schemas (type-only imports: nothing is bundled). */
export type AlertPage = z.output<typeof alertPageSchema>;
export type AlertSummary = z.output<typeof alertSummarySchema>;
export type AlertDetail = z.output<typeof alertDetailSchema>;
export type Board = z.output<typeof boardSchema>;
export type StoryDetail = z.output<typeof storyDetailSchema>;
export type PostPage = z.output<typeof postPageSchema>;
export type Digest = z.output<typeof digestSchema>;
export interface Me {
  id: string;
  name: string;
  role: 'analyst' | 'duty_officer' | 'leadership' | 'admin' | 'ingest';
}

const KEY_STORAGE = 'dozor.apiKey';

/** The key lives in sessionStorage: gone when the tab closes, never in a cookie the browser would send. */
export const session = {
  get key(): string | null {
    return sessionStorage.getItem(KEY_STORAGE);
  },
  set(key: string): void {
    sessionStorage.setItem(KEY_STORAGE, key);
  },
  clear(): void {
    sessionStorage.removeItem(KEY_STORAGE);
  },
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function request(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = session.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) {
    let code = 'error';
    let message = `HTTP ${response.status}`;
    try {
      const parsed: unknown = await response.json();
      if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
        const error: unknown = parsed.error;
        if (typeof error === 'object' && error !== null) {
          if ('code' in error && typeof error.code === 'string') code = error.code;
          if ('message' in error && typeof error.message === 'string') message = error.message;
        }
      }
    } catch {
      // Not JSON: keep the status line.
    }
    throw new ApiError(response.status, code, message);
  }
  return response;
}

/** GET/POST helpers; the type parameter is the documented response type of the route. */
export async function get<T>(path: string): Promise<T> {
  const response = await request('GET', path);
  return (await response.json()) as T;
}

export async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await request('POST', path, body);
  return (await response.json()) as T;
}

/** Downloads a non-JSON answer (a digest as Markdown, HTML or PDF) as a file. */
export async function download(path: string, filename: string): Promise<void> {
  const response = await request('GET', path);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
}

/** Query string from defined values only. */
export function qs(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
