import { analyzePost } from '../text';
import type { PostEmbedder } from './post-vectors';
import { comparePair, sketchText, type PairScores, type Verdict } from './similarity';

/** One input line of `dozor similar`. */
export interface PairInput {
  id: string;
  a: string;
  b: string;
}

/** One output line: the three levels and the verdict, rounded for reading. */
export interface PairResult {
  id: string;
  exact: boolean;
  near: number;
  semantic: number | null;
  /** The texts state different numbers or names (see src/cluster/facts.ts): why a close pair is `different`. */
  conflict: boolean;
  verdict: Verdict;
}

/**
 * Scores pairs exactly as the pipeline does: the normalize stage's analysis (clean text, fingerprint),
 * the cluster stage's sketch and verification, and for the semantic level vectors on the side the enrich
 * stage stores (see {@link PostEmbedder}).
 */
export async function scorePairs(
  pairs: readonly PairInput[],
  embedder?: Pick<PostEmbedder, 'embed'>,
): Promise<PairResult[]> {
  const analyzed = pairs.map((pair) => {
    const a = analyzePost(pair.a);
    const b = analyzePost(pair.b);
    return { a, b, sa: sketchText(a.textClean, a.fingerprint), sb: sketchText(b.textClean, b.fingerprint) };
  });
  const vectors = embedder
    ? await embedder.embed(analyzed.flatMap((x) => [x.a.textClean, x.b.textClean]))
    : undefined;
  return pairs.map((pair, i) => {
    const x = analyzed[i];
    if (!x) throw new Error('unreachable: one analysis per pair');
    const va = vectors?.[2 * i];
    const vb = vectors?.[2 * i + 1];
    // Empty texts have an empty fingerprint: never a duplicate of anything.
    const scores: PairScores & { verdict: Verdict } =
      x.a.fingerprint === '' || x.b.fingerprint === ''
        ? { exact: false, near: 0, semantic: null, conflict: false, verdict: 'different' }
        : comparePair(x.sa, x.sb, va && vb ? { a: va, b: vb } : undefined);
    return {
      id: pair.id,
      exact: scores.exact,
      near: round(scores.near),
      semantic: scores.semantic === null ? null : round(scores.semantic),
      conflict: scores.conflict,
      verdict: scores.verdict,
    };
  });
}

const round = (value: number): number => Math.round(value * 1e4) / 1e4;
