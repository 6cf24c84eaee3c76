import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const serviceSchema = z.object({ url: z.string(), pid: z.number().int(), port: z.number().int() });
const stateSchema = z.object({
  redis: serviceSchema.optional(),
  elasticsearch: serviceSchema.extend({ home: z.string(), user: z.string().optional() }).optional(),
});

/** What `dozor services up` started, so later processes find the services and `down` can stop them. */
export type ServicesState = z.infer<typeof stateSchema>;

export const servicesStateFile = (stateDir: string): string => path.join(stateDir, 'services.json');

export function readServicesState(stateDir: string): ServicesState {
  const file = servicesStateFile(stateDir);
  if (!existsSync(file)) return {};
  const parsed = stateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success ? parsed.data : {};
}

/** Writes atomically so a crash mid-write never leaves a half file behind. */
export function writeServicesState(stateDir: string, state: ServicesState): void {
  mkdirSync(stateDir, { recursive: true });
  const file = servicesStateFile(stateDir);
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${file}.tmp`, file);
}
