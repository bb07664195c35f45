// Moved to src/features/assignments/myWorkQuery.ts (feature folders, #18); kept only for imports outside this feature's owner until integration.
export * from '../features/assignments/myWorkQuery';
