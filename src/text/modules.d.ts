// Type declarations for the two untyped packages src/text uses; only the parts we call are declared.

declare module 'az' {
  export interface AzParse {
    /** Score of this parse among the word's parses (sorted best first). */
    score: number;
    /** Name of the az parser that produced this parse, e.g. `Dictionary`, `HyphenWords`, `SuffixKnown`. */
    parser: string;
    /** Grammemes of the parse; `Geox` marks geographical names. */
    tag: { Geox?: boolean };
    /** The parse of the word's normal form (lemma). */
    normalize(): { word?: string } | undefined;
  }
  interface AzMorph {
    (word: string): AzParse[];
    init(path: string, callback: (error: unknown) => void): void;
  }
  interface Az {
    Morph: AzMorph;
    /** The package's file loader; replaced by a synchronous one in lemmatize.ts. */
    load: (
      url: string,
      responseType: 'json' | 'arraybuffer',
      callback: (error: unknown, data?: unknown) => void,
    ) => void;
  }
  const az: Az;
  export = az;
}

declare module 'stopword' {
  export const rus: string[];
  export const eng: string[];
}
