import { type EntityManager } from 'typeorm';
import { Notification } from '../entities/notification.entity';

export type NotificationKind = 'contract_signed' | 'contract_assigned' | 'event_assigned' | 'event_unassigned' | 'event_deleted' | 'event_needs_support';

export interface NotificationMessage {
  kind: NotificationKind;
  message: string;
  entityType: 'contract' | 'event';
  entityId: number;
}

/**
 * Inserts one notification per recipient inside the caller's transaction, so a rolled-back
 * write never leaves a notice about something that did not happen.
 */
export async function notify(manager: EntityManager, recipientIds: number[], notice: NotificationMessage): Promise<void> {
  const unique = [...new Set(recipientIds)];
  if (unique.length === 0) return;
  await manager.insert(
    Notification,
    unique.map((recipientId) => ({ recipientId, ...notice, message: notice.message.slice(0, 500) })),
  );
}
