/// <reference lib="dom" />
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Time series from `{start, count}` buckets: uPlot wants seconds on x. */
function columns(buckets: readonly { start: string; count: number }[]): uPlot.AlignedData {
  return [buckets.map((b) => Date.parse(b.start) / 1000), buckets.map((b) => b.count)];
}

const bars = uPlot.paths.bars ? uPlot.paths.bars({ size: [0.8, 40] }) : undefined;

/** A bar chart of counts over time (story timeline, message volume), labelled in Russian. */
export function timeChart(
  target: HTMLElement,
  buckets: readonly { start: string; count: number }[],
  options: { label: string; width?: number; height?: number; color?: string },
): uPlot {
  return new uPlot(
    {
      width: options.width ?? Math.max(320, target.clientWidth || 720),
      height: options.height ?? 200,
      legend: { show: false },
      scales: { x: { time: true } },
      axes: [{ stroke: '#555' }, { stroke: '#555', size: 50 }],
      series: [
        {},
        {
          label: options.label,
          stroke: options.color ?? '#1f4e79',
          fill: `${options.color ?? '#1f4e79'}55`,
          ...(bars === undefined ? {} : { paths: bars }),
          points: { show: false },
        },
      ],
    },
    columns(buckets),
    target,
  );
}

/** Several series on one time axis (themes over the week). */
export function multiChart(
  target: HTMLElement,
  series: readonly { label: string; buckets: readonly { start: string; count: number }[] }[],
  options: { width?: number; height?: number } = {},
): uPlot | undefined {
  const first = series[0];
  if (first === undefined) return undefined;
  const palette = ['#1f4e79', '#c0392b', '#27ae60', '#8e44ad', '#d35400', '#16a085', '#7f8c8d', '#2c3e50'];
  const data: uPlot.AlignedData = [
    first.buckets.map((b) => Date.parse(b.start) / 1000),
    ...series.map((s) => s.buckets.map((b) => b.count)),
  ];
  return new uPlot(
    {
      width: options.width ?? Math.max(320, target.clientWidth || 720),
      height: options.height ?? 240,
      scales: { x: { time: true } },
      axes: [{ stroke: '#555' }, { stroke: '#555', size: 50 }],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: palette[i % palette.length] ?? '#333',
          width: 2,
        })),
      ],
    },
    data,
    target,
  );
}

/** A tiny line without axes: growth at a glance on the emergency board. */
export function sparkline(target: HTMLElement, buckets: readonly { start: string; count: number }[]): uPlot {
  return new uPlot(
    {
      width: 160,
      height: 36,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false } },
      axes: [{ show: false }, { show: false }],
      series: [{}, { stroke: '#c0392b', fill: '#c0392b33', width: 1.5, points: { show: false } }],
    },
    [buckets.map((_b, i) => i), buckets.map((b) => b.count)],
    target,
  );
}
