import { type EntityManager } from 'typeorm';

export async function countUnread(manager: EntityManager, recipientId: number): Promise<number> {
  const [{ count }]: { count: string }[] = await manager.query(
    'SELECT count(*) AS count FROM notifications WHERE recipient_id = $1 AND read_at IS NULL',
    [recipientId],
  );
  return Number(count);
}
