import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { buildDigest } from '../../digest/build';
import { htmlToPdf } from '../../digest/pdf';
import { renderHtml, renderMarkdown } from '../../digest/render';
import type { DigestPeriod } from '../../digest/schema';
import { Gazetteer } from '../../detect/gazetteer';
import { createContext } from '../../main/context';
import { ensureChromium } from '../../provision/chromium';
import { AlertsRepository } from '../../store/alerts.repository';
import { AppealsRepository } from '../../store/appeals.repository';
import { PostSearchRepository } from '../../store/post-search.repository';
import { action } from '../action';

interface DigestOptions {
  period: DigestPeriod;
  format: 'md' | 'html' | 'pdf' | 'json';
  region?: string;
  to?: string;
  out?: string;
}

export function registerDigest(program: Command): void {
  program
    .command('digest')
    .description('the briefing of a week or a day: volume, themes, emergencies, fakes, overdue appeals')
    .addOption(new Option('--period <period>', 'week or day').choices(['week', 'day']).default('week'))
    .addOption(
      new Option('--format <format>', 'md, html, pdf or json')
        .choices(['md', 'html', 'pdf', 'json'])
        .default('md'),
    )
    .option('--region <name>', 'only this region, as in the gazetteer (e.g. "Владимирская область")')
    .option('--to <iso>', 'end of the period (default: now, rounded down to the day or hour)')
    .option('-o, --out <file>', 'write to this file (default: stdout; required for pdf on a terminal)')
    .action(
      action(async (options: DigestOptions) => {
        if (options.to !== undefined && Number.isNaN(Date.parse(options.to))) {
          throw new Error(`--to ${options.to} is not an ISO 8601 instant`);
        }
        const context = await createContext({ logToStderr: true });
        try {
          const prefix = context.config.indexPrefix;
          const digest = await buildDigest(
            {
              postSearch: new PostSearchRepository(context.es, prefix),
              review: { alerts: new AlertsRepository(context.es, prefix) },
              appeals: { appeals: new AppealsRepository(context.es, prefix) },
              gazetteer: Gazetteer.build(),
            },
            {
              period: options.period,
              ...(options.region === undefined ? {} : { region: options.region }),
              ...(options.to === undefined ? {} : { to: options.to }),
            },
          );
          let output: string | Buffer;
          switch (options.format) {
            case 'json':
              output = `${JSON.stringify(digest, null, 2)}\n`;
              break;
            case 'md':
              output = renderMarkdown(digest);
              break;
            case 'html':
              output = renderHtml(digest);
              break;
            case 'pdf': {
              if (options.out === undefined && process.stdout.isTTY) {
                throw new Error('a PDF on a terminal is unreadable: pass --out briefing.pdf');
              }
              const chromium = await ensureChromium(context.config.chromiumPath, (line) => {
                process.stderr.write(`${line}\n`);
              });
              output = await htmlToPdf(renderHtml(digest), chromium);
              break;
            }
          }
          if (options.out === undefined) process.stdout.write(output);
          else {
            await writeFile(options.out, output);
            process.stderr.write(`briefing written to ${options.out}\n`);
          }
        } finally {
          await context.close();
        }
      }),
    );
}
