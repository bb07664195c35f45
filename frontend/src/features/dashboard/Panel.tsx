// A titled box of the dashboard in plain markup (a section with its heading): what antd's Card gave, without the
// tabs and the rest Card brings along (the dashboard's cold load, bench/bench_frontend.py).
import type { ReactNode } from 'react';

export default function Panel({ title, extra, children, testId, wide }: { title: ReactNode; extra?: ReactNode; children: ReactNode; testId?: string; wide?: boolean }) {
  return (
    <section className={wide ? 'dash-panel wide' : 'dash-panel'} data-testid={testId}>
      <header>
        <h2>{title}</h2>
        {extra}
      </header>
      <div className="dash-panel-body">{children}</div>
    </section>
  );
}
