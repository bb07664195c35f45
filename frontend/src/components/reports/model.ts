// Moved to src/features/reports/model.ts (feature folders, #18); kept only for imports outside this feature's owner until integration.
export * from '../../features/reports/model';
