import { type JsonValue } from '../../output/json-values';
import { type NotificationRecord } from '../../backend/backend';

export function notificationJson(n: NotificationRecord): JsonValue {
  return {
    id: n.id,
    kind: n.kind,
    message: n.message,
    entityType: n.entityType,
    entityId: n.entityId,
    isRead: n.readAt !== null,
    createdAt: n.createdAt.toISOString(),
    readAt: n.readAt ? n.readAt.toISOString() : null,
  };
}
