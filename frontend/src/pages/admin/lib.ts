// Moved to src/features/admin/lib.ts (feature folders, #18); kept only for imports outside this feature's owner until integration.
export * from '../../features/admin/lib';
