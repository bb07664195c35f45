// Loaded with React.lazy from the dashboard only (like ProgressChart): recharts never reaches other pages.
import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TrendPoint } from '../client/types.gen';
import { SERIES, SERIES_COLORS, type Series } from './trend';

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

export default function TrendChart({ points, names, tick, num, ariaLabel, onPoint }: TrendChartProps) {
  const data = points.map((p) => ({ ...p, x: tick(p) }));
  const dot = (series: Series) =>
    function TrendDot(props: { cx?: number; cy?: number; index: number }) {
      if (props.cx == null || props.cy == null) return null;
      return (
        <circle
          key={`${series}-${props.index}`}
          className="trend-dot"
          data-series={series}
          cx={props.cx}
          cy={props.cy}
          r={4}
          fill="#fff"
          stroke={SERIES_COLORS[series]}
          strokeWidth={2}
          style={{ cursor: 'pointer' }}
          onClick={() => onPoint(series, props.index)}
        />
      );
    };
  return (
    <div style={{ width: '100%', height: 300 }} role="img" aria-label={ariaLabel} data-testid="trend-chart">
      <ResponsiveContainer>
        <ComposedChart data={data} margin={{ top: 8, right: 16, left: 0, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="x" tick={{ fontSize: 12 }} minTickGap={8} />
          <YAxis allowDecimals={false} tick={{ fontSize: 12 }} width={44} />
          <Tooltip formatter={(v, name) => [num(Number(v)), String(name)]} />
          <Legend />
          <Area type="linear" dataKey="due" name={names.due} stroke={SERIES_COLORS.due} fill="#cfe0f3" isAnimationActive={false} dot={dot('due')} />
          {SERIES.slice(1).map((s) => (
            <Line key={s} type="linear" dataKey={s} name={names[s]} stroke={SERIES_COLORS[s]} strokeWidth={2} isAnimationActive={false} dot={dot(s)} />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
