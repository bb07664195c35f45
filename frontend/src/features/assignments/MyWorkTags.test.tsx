import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stubAntdDom } from '../../components/testDom';
import type { WorkItemRead } from '../../client/types.gen';
import { WorkTags } from './MyWork';

beforeAll(() => {
  stubAntdDom();
});

afterEach(cleanup);

const item = (extra: Partial<WorkItemRead>): WorkItemRead =>
  ({ id: 1, status: 'in_progress', work_state: 'in_progress', progress: 40, ...extra }) as WorkItemRead;

const words = () => Array.from(document.querySelectorAll('.ant-tag')).map((el) => el.textContent);

describe('WorkTags with the status (the rows of Việc của tôi)', () => {
  it('a submitted item reads "Chờ duyệt" once, not twice', () => {
    render(<WorkTags a={item({ status: 'submitted', work_state: 'submitted' })} withStatus />);
    expect(words()).toEqual(['Chờ duyệt']);
    expect(screen.queryByTestId('row-status')).toBeNull();
  });

  it('an item in progress reads "Đang thực hiện" once', () => {
    render(<WorkTags a={item({ status: 'in_progress', work_state: 'in_progress' })} withStatus />);
    expect(words()).toEqual(['Đang thực hiện']);
  });

  it('a returned item still says it was returned next to its work state', () => {
    render(<WorkTags a={item({ status: 'returned', work_state: 'in_progress' })} withStatus />);
    expect(words()).toEqual(['Đang thực hiện', 'Bị trả lại']);
  });

  it('an overdue item keeps its days overdue and its status', () => {
    render(<WorkTags a={item({ status: 'not_started', work_state: 'overdue', days_overdue: 198 })} withStatus />);
    expect(words()).toEqual(['Quá hạn (198 ngày)', 'Chưa thực hiện']);
  });

  it('a not-started item shows both words when they differ', () => {
    render(<WorkTags a={item({ status: 'not_started', work_state: 'not_started' })} withStatus />);
    expect(words()).toEqual(['Chưa bắt đầu', 'Chưa thực hiện']);
  });

  it('without withStatus (the submit picker) only the work state', () => {
    render(<WorkTags a={item({ status: 'returned', work_state: 'in_progress' })} />);
    expect(words()).toEqual(['Đang thực hiện']);
  });
});
