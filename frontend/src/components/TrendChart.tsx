// Loaded with React.lazy from the dashboard only. Drawn as plain SVG (no chart library): the chart library was
// 118 KB gzipped of the dashboard's 528 KB cold load (budget 350 KB, bench/bench_frontend.py --static) for one chart
// of five lines; the table under the chart has every number.
import { useEffect, useRef, useState } from 'react';
import type { TrendPoint } from '../client/types.gen';
import { SERIES, SERIES_COLORS, yTicks, type Series } from './trend';

export interface TrendChartProps {
  points: TrendPoint[];
  names: Record<Series, string>;
  /** x-axis label of a point (month "10/2024" or week end "13/10"). */
  tick: (p: TrendPoint) => string;
  num: (v: number) => string;
  /** Summary read by screen readers (the table under the chart has every number). */
  ariaLabel: string;
  onPoint: (series: Series, index: number) => void;
}

const HEIGHT = 260;
const PAD = { top: 12, right: 16, bottom: 24, left: 44 };

export default function TrendChart({ points, names, tick, num, ariaLabel, onPoint }: TrendChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(240, Math.round(el.getBoundingClientRect().width) || 600));
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const ticks = yTicks(Math.max(0, ...points.flatMap((p) => SERIES.map((s) => Number(p[s]) || 0))));
  const top = ticks[ticks.length - 1];
  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (points.length > 1 ? (i * plotW) / (points.length - 1) : plotW / 2);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const path = (s: Series) => points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(Number(p[s]) || 0).toFixed(1)}`).join('');
  // x labels never overlap: every k-th label, k from the room a label needs (~56 px)
  const every = Math.max(1, Math.ceil((points.length * 56) / Math.max(plotW, 1)));

  return (
    <div ref={box} style={{ width: '100%' }} role="img" aria-label={ariaLabel} data-testid="trend-chart">
      <svg width={width} height={HEIGHT} style={{ display: 'block', overflow: 'visible' }} aria-hidden="true">
        {ticks.map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={width - PAD.right} y1={y(v)} y2={y(v)} stroke="#ccc" strokeDasharray="3 3" />
            <text x={PAD.left - 6} y={y(v)} dy="0.32em" textAnchor="end" fontSize={12} fill="#555">
              {num(v)}
            </text>
          </g>
        ))}
        {points.map((p, i) =>
          i % every === 0 || i === points.length - 1 ? (
            <text key={i} x={x(i)} y={HEIGHT - 6} textAnchor={i === 0 ? 'start' : i === points.length - 1 ? 'end' : 'middle'} fontSize={12} fill="#555">
              {tick(p)}
            </text>
          ) : null,
        )}
        <path d={`${path('due')}L${x(points.length - 1).toFixed(1)},${y(0)}L${x(0).toFixed(1)},${y(0)}Z`} fill="#cfe0f3" stroke="none" />
        {SERIES.map((s) => (
          <path key={s} d={path(s)} fill="none" stroke={SERIES_COLORS[s]} strokeWidth={s === 'due' ? 1 : 2} />
        ))}
        {SERIES.map((s) =>
          points.map((p, i) => (
            <circle
              key={`${s}-${i}`}
              className="trend-dot"
              data-series={s}
              cx={x(i)}
              cy={y(Number(p[s]) || 0)}
              r={4}
              fill="#fff"
              stroke={SERIES_COLORS[s]}
              strokeWidth={2}
              style={{ cursor: 'pointer' }}
              onClick={() => onPoint(s, i)}
            >
              <title>{`${tick(p)} — ${names[s]}: ${num(Number(p[s]) || 0)}`}</title>
            </circle>
          )),
        )}
      </svg>
      <ul style={{ listStyle: 'none', display: 'flex', flexWrap: 'wrap', gap: '4px 16px', justifyContent: 'center', margin: '4px 0 0', padding: 0, fontSize: 13 }}>
        {SERIES.map((s) => (
          <li key={s} style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
            <span aria-hidden="true" style={{ width: 14, height: 3, background: SERIES_COLORS[s], display: 'inline-block' }} />
            {names[s]}
          </li>
        ))}
      </ul>
    </div>
  );
}
