// Moved to src/features/reports/outline.ts (feature folders, #18); kept only for imports outside this feature's owner until integration.
export * from '../../features/reports/outline';
