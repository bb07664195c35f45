/** Vietnamese text matching as the API's search does (api/search.py vn_fold): NFC/NFD, accents, đ and case ignored. */
export function foldVn(v: string): string {
  return v
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}
