import type { Post } from '../../domain/post';
import type { RejectCode } from '../validate';

/** Input formats `dozor import --format` accepts. */
export const SOURCE_FORMATS = ['telegram', 'tg-dump', 'vk', 'rss', 'jsonl', 'csv'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

/**
 * What a parser yields per record: a canonical post, or a refusal. `ref` says where the record is
 * (`result.json#message 42`) and is stable across imports of the same file, so the ledger does not count
 * a re-imported reject twice; `sample` is a short excerpt for whoever investigates.
 */
export type SourceRecord =
  | { kind: 'post'; post: Post }
  | { kind: 'reject'; ref: string; code: RejectCode; reason: string; sample?: string };

/** A file path, or an already open byte stream with a name to use in messages and refs. */
export type SourceInput = string | { name: string; chunks: AsyncIterable<Uint8Array | string> };

/** Options shared by all parsers; each uses the ones that concern it. */
export interface SourceOptions {
  /** CSV only: Dozor field → column name, e.g. `{text: 'Текст', publishedAt: 'Дата'}`. */
  mapping?: Readonly<Record<string, string>>;
  /** CSV only: Dozor field → value for every row, e.g. `{platform: 'vk', channel: '@city'}`. */
  fixed?: Readonly<Record<string, string>>;
  /**
   * UTC offset (`+03:00`) for dates written without one (a Telegram export's `date` when
   * `date_unixtime` is missing, CSV dates). Default `Z`: such dates are read as UTC.
   */
  defaultUtcOffset?: string;
}

/**
 * A problem with a whole file (unreadable, malformed JSON/XML, not the format given): nothing more can
 * be read from it. Records yielded before the problem was found stay valid. The message names the file,
 * the problem and what to do.
 */
export class SourceFormatError extends Error {
  override readonly name = 'SourceFormatError';
}

/** A parser of one format. */
export type SourceParser = (input: SourceInput, options: SourceOptions) => AsyncIterable<SourceRecord>;
