// Loaded with React.lazy from the dashboard only: the login page never downloads the chart library.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export default function ProgressChart({ data }: { data: { name: string; progress: number }[] }) {
  return (
    <div style={{ width: '100%', height: Math.max(200, data.length * 34) }} role="img" aria-label={data.map((d) => `${d.name}: ${d.progress}%`).join('; ')}>
      <ResponsiveContainer>
        <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" domain={[0, 100]} unit="%" />
          <YAxis type="category" dataKey="name" width={140} tick={{ fontSize: 12 }} />
          <Tooltip formatter={(v) => `${String(v).replace('.', ',')}%`} />
          <Bar dataKey="progress" fill="#0b5cab" />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
