import { Link, type To } from 'react-router';

export interface SubNavItem {
  key: string;
  label: string;
  to: To;
}

/** A page's sections as plain links, not antd Tabs: they wrap on a phone (no overflow menu inside a tab list, which
 *  axe refuses) and stay light. The current one carries aria-current="page". */
export function SubNav({ label, items, current }: { label: string; items: SubNavItem[]; current: string }) {
  return (
    <nav aria-label={label} style={{ borderBottom: '1px solid #d9d9d9', marginBottom: 16 }}>
      <ul style={{ display: 'flex', flexWrap: 'wrap', gap: '4px 20px', listStyle: 'none', margin: 0, padding: 0 }}>
        {items.map((it) => (
          <li key={it.key}>
            <Link
              to={it.to}
              aria-current={it.key === current ? 'page' : undefined}
              style={{
                display: 'inline-block',
                padding: '8px 0',
                color: it.key === current ? '#0b5cab' : 'rgba(0,0,0,0.88)',
                fontWeight: it.key === current ? 600 : 400,
                borderBottom: it.key === current ? '2px solid #0b5cab' : '2px solid transparent',
              }}
            >
              {it.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
