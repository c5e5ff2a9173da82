import { type TraceSpan, traceTrackName } from '../../src/monitoring/chrome-trace.js';
import type { GanttFigure } from './figures.js';
import { element, escapeXml, PALETTE, svgDocument, text, ticks } from './svg.js';

const WIDTH = 1000;
const LEFT = 110;
const RIGHT = 20;
const TOP = 60;
const ROW = 40;
const BAR = 26;

/**
 * Draws one workflow run: a row per worker, a bar per attempt (coloured by agent type, labelled with the
 * task id, failed attempts hatched red), a curve from the end of each dependency to the start of the task
 * that waited for it, and the makespan's lower bound as a dashed line when known.
 */
export function ganttChart(figure: GanttFigure): string {
  const rows = [...new Set(figure.spans.map(traceTrackName))].sort(compareRows);
  const height = TOP + rows.length * ROW + 60;
  const end = Math.max(1, figure.lowerBoundMs ?? 0, ...figure.spans.map((span) => span.endMs));
  const scale = ticks(end, 8);
  const axisEnd = scale.at(-1)!;
  const px = (ms: number) => LEFT + (ms / axisEnd) * (WIDTH - LEFT - RIGHT);
  const rowTop = (span: TraceSpan) => TOP + rows.indexOf(traceTrackName(span)) * ROW + (ROW - BAR) / 2;
  const agentTypes = [...new Set(figure.spans.map((span) => span.agentType ?? 'task'))];
  const colorOf = (span: TraceSpan) =>
    PALETTE[agentTypes.indexOf(span.agentType ?? 'task') % PALETTE.length]!;
  const bottom = TOP + rows.length * ROW;

  const grid = scale.flatMap((ms) => [
    element('line', { x1: px(ms), y1: TOP, x2: px(ms), y2: bottom, stroke: '#eeeeee' }),
    text(px(ms), bottom + 16, `${ms}`, { 'text-anchor': 'middle' }),
  ]);
  const labels = rows.map((row, index) =>
    text(LEFT - 8, TOP + index * ROW + ROW / 2 + 4, row, { 'text-anchor': 'end' }),
  );
  const bars = figure.spans.map((span) => {
    const x = px(span.startMs);
    const width = Math.max(1, px(span.endMs) - x);
    const top = rowTop(span);
    const failed = span.status !== 'completed';
    return element(
      'g',
      {},
      element(
        'rect',
        {
          x,
          y: top,
          width,
          height: BAR,
          rx: 3,
          fill: colorOf(span),
          'fill-opacity': 0.85,
          stroke: failed ? '#cc0000' : '#ffffff',
          'stroke-width': failed ? 2 : 1,
        },
        element(
          'title',
          {},
          escapeXml(
            `${span.taskId} (${span.agentType ?? 'task'}): ${span.status}, ${(span.endMs - span.startMs).toFixed(1)} ms`,
          ),
        ),
      ),
      // A label only where it fits, about 6 px a character.
      width > span.taskId.length * 6 + 6
        ? text(x + width / 2, top + BAR / 2 + 4, span.taskId, {
            'text-anchor': 'middle',
            fill: '#ffffff',
            'font-size': 10,
          })
        : '',
    );
  });
  const byTask = new Map<string, TraceSpan>();
  for (const span of figure.spans) {
    const known = byTask.get(span.taskId);
    if (!known || span.endMs > known.endMs) byTask.set(span.taskId, span);
  }
  const arrows = figure.spans.flatMap((span) =>
    (span.dependencies ?? []).flatMap((dependency) => {
      const source = byTask.get(dependency);
      if (!source) return [];
      const x1 = px(source.endMs);
      const y1 = rowTop(source) + BAR / 2;
      const x2 = px(span.startMs);
      const y2 = rowTop(span) + BAR / 2;
      const bend = Math.max(12, (x2 - x1) / 2);
      return [
        element('path', {
          d: `M${x1.toFixed(1)},${y1.toFixed(1)} C${(x1 + bend).toFixed(1)},${y1.toFixed(1)} ${(x2 - bend).toFixed(1)},${y2.toFixed(1)} ${x2.toFixed(1)},${y2.toFixed(1)}`,
          fill: 'none',
          stroke: '#444444',
          'stroke-opacity': 0.45,
          'stroke-width': 1,
          'marker-end': 'url(#arrow)',
        }),
      ];
    }),
  );
  const bound =
    figure.lowerBoundMs === undefined
      ? []
      : [
          element('line', {
            x1: px(figure.lowerBoundMs),
            y1: TOP - 6,
            x2: px(figure.lowerBoundMs),
            y2: bottom,
            stroke: '#D55E00',
            'stroke-dasharray': '5 3',
          }),
          text(px(figure.lowerBoundMs), TOP - 10, 'lower bound', {
            'text-anchor': 'middle',
            fill: '#D55E00',
          }),
        ];
  const legend = agentTypes.map((type, index) =>
    element(
      'g',
      {},
      element('rect', {
        x: LEFT + index * 140,
        y: 34,
        width: 14,
        height: 10,
        fill: PALETTE[index % PALETTE.length]!,
      }),
      text(LEFT + index * 140 + 20, 43, type),
    ),
  );
  return svgDocument(WIDTH, height, [
    element(
      'defs',
      {},
      element(
        'marker',
        {
          id: 'arrow',
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 6,
          markerHeight: 6,
          orient: 'auto',
        },
        element('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#444444' }),
      ),
    ),
    text(LEFT, 22, figure.title, { 'font-size': 15, 'font-weight': 'bold' }),
    ...legend,
    ...grid,
    ...labels,
    ...bars,
    ...arrows,
    ...bound,
    text(LEFT + (WIDTH - LEFT - RIGHT) / 2, bottom + 36, 'milliseconds since the workflow started', {
      'text-anchor': 'middle',
    }),
  ]);
}

/** Rows in numeric order of their ids (`worker 2` before `worker 10`). */
function compareRows(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
