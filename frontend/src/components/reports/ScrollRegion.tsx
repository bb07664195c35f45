// Moved to src/features/reports/ScrollRegion.tsx (feature folders, #18); kept only for imports outside this feature's owner until integration.
export { default } from '../../features/reports/ScrollRegion';
