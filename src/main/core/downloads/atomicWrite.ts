// Moved to a neutral place (chats use it too); kept so existing importers keep working.
export { syncDirectory, writeFileAtomic } from '../storage/atomicWrite';
