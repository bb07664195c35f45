// Moved to src/features/assignments/MyWork.tsx (feature folders, #18); kept only for imports outside this feature's owner until integration.
export { default } from '../features/assignments/MyWork';
