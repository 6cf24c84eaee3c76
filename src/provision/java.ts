import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { run } from './process';

/** Elasticsearch 9 refuses to start on older Java. */
export const MIN_JAVA_MAJOR = 21;

async function javaMajor(javaHome: string): Promise<number | undefined> {
  const java = path.join(javaHome, 'bin', 'java');
  if (!existsSync(java)) return undefined;
  const result = await run(java, ['-version']);
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr);
  if (!match?.[1]) return undefined;
  // Java 8 and older report "1.8"; everything we care about reports the major first.
  return match[1] === '1' ? Number(match[2]) : Number(match[1]);
}

/**
 * Finds a JDK for Elasticsearch: the configured ES_JAVA_HOME, else the newest JDK ≥ 21 under /usr/lib/jvm.
 * Throws with the fix when none is found.
 */
export async function findJavaHome(configured: string | undefined, jvmDir = '/usr/lib/jvm'): Promise<string> {
  if (configured !== undefined) {
    const major = await javaMajor(configured);
    if (major === undefined || major < MIN_JAVA_MAJOR) {
      throw new Error(
        `ES_JAVA_HOME=${configured} is not a Java ${MIN_JAVA_MAJOR}+ JDK (found ${major ?? 'no java'}). ` +
          'Point ES_JAVA_HOME at a JDK 21 or newer.',
      );
    }
    return configured;
  }
  const candidates = existsSync(jvmDir) ? readdirSync(jvmDir).map((name) => path.join(jvmDir, name)) : [];
  let best: { home: string; major: number } | undefined;
  for (const home of candidates) {
    const major = await javaMajor(home);
    if (major !== undefined && major >= MIN_JAVA_MAJOR && (!best || major > best.major))
      best = { home, major };
  }
  if (!best) {
    throw new Error(
      `Elasticsearch 9 needs Java ${MIN_JAVA_MAJOR}+, and no such JDK was found under ${jvmDir}. ` +
        'Install one (e.g. `apt-get install openjdk-21-jdk-headless` or a Temurin JDK) or set ES_JAVA_HOME.',
    );
  }
  return best.home;
}
