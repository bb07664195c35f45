import { Alert } from 'antd';
import { ApiError } from '../../api/http';
import { ProblemAlert } from '../../components/common';
import { useWords } from './words';

/** The API's refusal in place; a 412 (someone changed it meanwhile) says so in plain words. */
export default function Failure({ error }: { error: unknown }) {
  const { w } = useWords();
  if (error instanceof ApiError && error.status === 412) return <Alert type="error" showIcon role="alert" title={w('conflict')} style={{ marginBottom: 12 }} />;
  return <ProblemAlert error={error} />;
}
