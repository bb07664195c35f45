// Moved to src/features/auth/Login.tsx (feature folders, #18); kept only for imports outside this feature's owner until integration.
export { default } from '../features/auth/Login';
