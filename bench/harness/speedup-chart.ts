import type { SpeedupFigure } from './figures.js';
import { efficiency, idealSpeedup } from './stats.js';
import { element, PALETTE, svgDocument, text, ticks } from './svg.js';

const WIDTH = 920;
const HEIGHT = 420;
const PANEL = { width: 360, height: 270, top: 92 };
const LEFTS = [70, 530];

interface Panel {
  left: number;
  title: string;
  yLabel: string;
  yMax: number;
  formatY: (value: number) => string;
}

/**
 * Draws speedup (left) and efficiency (right) against the number of workers, a line per contender, with
 * the ideal as a dashed grey line: speedup = min(workers, cores), efficiency = 100%.
 */
export function speedupChart(figure: SpeedupFigure): string {
  const workers = [
    ...new Set(figure.series.flatMap((series) => series.points.map((point) => point.workers))),
  ];
  const maxWorkers = Math.max(1, ...workers);
  const maxSpeedup = Math.max(
    figure.cores,
    ...figure.series.flatMap((series) => series.points.map((point) => point.speedup)),
  );
  const maxEfficiency = Math.max(
    1,
    ...figure.series.flatMap((series) =>
      series.points.map((point) => efficiency(point.speedup, point.workers, figure.cores)),
    ),
  );
  const speedupPanel: Panel = {
    left: LEFTS[0]!,
    title: 'Speedup vs workers',
    yLabel: 'speedup (×)',
    yMax: maxSpeedup,
    formatY: (value) => `${value}`,
  };
  const efficiencyPanel: Panel = {
    left: LEFTS[1]!,
    title: 'Efficiency vs workers',
    yLabel: 'efficiency (speedup ÷ ideal)',
    yMax: maxEfficiency,
    formatY: (value) => `${Math.round(value * 100)}%`,
  };
  const idealWorkers = [...new Set([0, ...workers, figure.cores, maxWorkers])].sort((a, b) => a - b);
  const body = [
    text(WIDTH / 2, 24, figure.title, { 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold' }),
    ...legend(figure),
    ...drawPanel(speedupPanel, maxWorkers, [
      line(
        speedupPanel,
        maxWorkers,
        idealWorkers.map((count) => [count, idealSpeedup(count, figure.cores)]),
        '#999999',
        true,
      ),
      ...figure.series.map((series, index) =>
        line(
          speedupPanel,
          maxWorkers,
          series.points.map((point) => [point.workers, point.speedup]),
          PALETTE[index % PALETTE.length]!,
        ),
      ),
    ]),
    ...drawPanel(efficiencyPanel, maxWorkers, [
      line(
        efficiencyPanel,
        maxWorkers,
        [
          [0, 1],
          [maxWorkers, 1],
        ],
        '#999999',
        true,
      ),
      ...figure.series.map((series, index) =>
        line(
          efficiencyPanel,
          maxWorkers,
          series.points.map((point) => [
            point.workers,
            efficiency(point.speedup, point.workers, figure.cores),
          ]),
          PALETTE[index % PALETTE.length]!,
        ),
      ),
    ]),
  ];
  return svgDocument(WIDTH, HEIGHT, body);
}

function legend(figure: SpeedupFigure): string[] {
  const entries = [
    ...figure.series.map((series, index) => ({ name: series.name, color: PALETTE[index % PALETTE.length]! })),
    { name: `ideal (${figure.cores} cores)`, color: '#999999', dashed: true },
  ];
  return entries.map((entry, index) => {
    const x = 70 + index * 150;
    return element(
      'g',
      {},
      element('line', {
        x1: x,
        y1: 45,
        x2: x + 24,
        y2: 45,
        stroke: entry.color,
        'stroke-width': 2.5,
        'stroke-dasharray': 'dashed' in entry ? '6 4' : undefined,
      }),
      text(x + 30, 49, entry.name),
    );
  });
}

function x(panel: Panel, maxWorkers: number, workers: number): number {
  return panel.left + (workers / maxWorkers) * PANEL.width;
}

function y(panel: Panel, value: number): number {
  const top = ticks(panel.yMax).at(-1)!;
  return PANEL.top + PANEL.height - (value / top) * PANEL.height;
}

function drawPanel(panel: Panel, maxWorkers: number, content: string[]): string[] {
  const bottom = PANEL.top + PANEL.height;
  const parts: string[] = [
    text(panel.left + PANEL.width / 2, PANEL.top - 8, panel.title, {
      'text-anchor': 'middle',
      'font-weight': 'bold',
    }),
  ];
  for (const value of ticks(panel.yMax)) {
    const at = y(panel, value);
    parts.push(
      element('line', { x1: panel.left, y1: at, x2: panel.left + PANEL.width, y2: at, stroke: '#eeeeee' }),
      text(panel.left - 6, at + 4, panel.formatY(value), { 'text-anchor': 'end' }),
    );
  }
  for (let workers = 1; workers <= maxWorkers; workers += Math.max(1, Math.floor(maxWorkers / 8))) {
    parts.push(
      text(x(panel, maxWorkers, workers), bottom + 16, String(workers), { 'text-anchor': 'middle' }),
    );
  }
  parts.push(
    element('line', {
      x1: panel.left,
      y1: bottom,
      x2: panel.left + PANEL.width,
      y2: bottom,
      stroke: '#333333',
    }),
    element('line', { x1: panel.left, y1: PANEL.top, x2: panel.left, y2: bottom, stroke: '#333333' }),
    text(panel.left + PANEL.width / 2, bottom + 36, 'worker threads', { 'text-anchor': 'middle' }),
    text(panel.left - 48, PANEL.top + PANEL.height / 2, panel.yLabel, {
      'text-anchor': 'middle',
      transform: `rotate(-90 ${panel.left - 48} ${PANEL.top + PANEL.height / 2})`,
    }),
    ...content,
  );
  return parts;
}

function line(
  panel: Panel,
  maxWorkers: number,
  points: [number, number][],
  color: string,
  dashed = false,
): string {
  const coordinates = points.map(
    ([workers, value]) => [x(panel, maxWorkers, workers), y(panel, value)] as const,
  );
  const path = coordinates.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ');
  const markers = dashed
    ? []
    : coordinates.map(([cx, cy]) => element('circle', { cx, cy, r: 3.5, fill: color }));
  return element(
    'g',
    {},
    element('polyline', {
      points: path,
      fill: 'none',
      stroke: color,
      'stroke-width': dashed ? 1.5 : 2.5,
      'stroke-dasharray': dashed ? '6 4' : undefined,
    }),
    ...markers,
  );
}
