// The plan screens live in features/plans (life cycle, appendix editing, history); this route module keeps App.tsx unchanged.
export { default } from '../features/plans/PlansPage';
