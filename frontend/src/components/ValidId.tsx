import { Outlet, useParams } from 'react-router';
import { NotAvailable } from './common';

/** An object's id in the address is a positive whole number: anything else (a typo, `abc`) is "not found", as the
 * API answers for ids out of reach, and nothing is asked of the API. */
export const isObjectId = (id: string | undefined) => id === undefined || /^[1-9][0-9]{0,15}$/.test(id);

export default function ValidId() {
  const { id } = useParams();
  return isObjectId(id) ? <Outlet /> : <NotAvailable item />;
}
