// Kept here, not in i18n.tsx: words of the plan screens added with printing (Vietnamese first, English second).
import { useI18n } from '../../i18n';

const vi = {
  appendixDocx: 'Tải Phụ lục (DOCX)',
  appendixDocxHelp: 'Phụ lục khổ ngang theo thể thức ban hành kèm kế hoạch: STT, nhiệm vụ, sản phẩm, thời gian hoàn thành, đơn vị chủ trì, đơn vị phối hợp.',
  printAppendix: 'In phụ lục',
  time: 'Thời gian',
  allCommunes: 'UBND các xã, thị trấn',
  allDepartments: 'Các cơ quan, đơn vị thuộc UBND huyện',
  required: 'Chưa nhập {label} (bắt buộc).',
};
type Key = keyof typeof vi;
const en: Record<Key, string> = {
  appendixDocx: 'Download the appendix (DOCX)',
  appendixDocxHelp: 'The landscape appendix as issued with the plan: no., task, product, completion time, lead unit, coordinating units.',
  printAppendix: 'Print the appendix',
  time: 'Time',
  allCommunes: 'All commune people’s committees',
  allDepartments: 'All district departments and agencies',
  required: '{label} is required.',
};

export function usePlanWords() {
  const i18n = useI18n();
  const dict = i18n.lang === 'en' ? en : vi;
  return {
    ...i18n,
    w: (k: Key) => dict[k],
    /** "Chưa nhập số ký hiệu (bắt buộc)." — an empty required field named in its error. */
    required: (label: string) => dict.required.replace('{label}', i18n.lang === 'en' ? label : label.toLowerCase()),
  };
}
