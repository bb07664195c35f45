// Test data shared by the indicator-table tests (reports and activities): one row of the table as the API gives it.
import type { IndicatorRow } from './outline';

/** "Số cuộc kiểm tra", an editable summed row without a value, changed by `over`. */
export const indicatorRow = (over: Partial<IndicatorRow> = {}): IndicatorRow => ({
  indicator_id: 1,
  code: 'CT01',
  section_key: 'bieu_so_lieu',
  name: 'Số cuộc kiểm tra',
  unit_of_measure: 'cuộc',
  computed: false,
  rollup: 'sum',
  value: null,
  editable: true,
  ...over,
});
