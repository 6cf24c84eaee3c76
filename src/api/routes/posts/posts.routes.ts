import express, { Router } from 'express';
import type { BatchProducer } from '../../../pipeline/producer';
import { pushPosts } from '../../../pipeline/push';
import { allow } from '../../middleware/auth';
import { parseOr400 } from '../../validate';
import { MAX_PUSH_BODY, pushRequestSchema } from './schema';

export interface PostsRouteDeps {
  producer(source: string): Promise<BatchProducer>;
}

/** `POST /posts`: HTTP push ingestion in Dozor's own schema, for the `ingest` role (and admins). */
export function postsRoutes(deps: PostsRouteDeps): Router {
  const router = Router();
  router.post(
    '/posts',
    allow('ingest', 'admin'),
    express.json({ limit: MAX_PUSH_BODY }),
    async (req, res) => {
      const body = parseOr400(pushRequestSchema, req.body, 'push request');
      const keyName = req.apiKey?.name ?? 'unknown';
      const producer = await deps.producer(
        `api ${keyName}${body.source === undefined ? '' : `: ${body.source}`}`,
      );
      const result = await pushPosts(
        producer,
        body.posts,
        `api request ${typeof req.id === 'string' ? req.id : 'unknown'}`,
      );
      res.status(202).json(result);
    },
  );
  return router;
}
