import { AuditEntry } from './audit-entry.entity';
import { Client } from './client.entity';
import { Contract } from './contract.entity';
import { Employee } from './employee.entity';
import { Event } from './event.entity';
import { Notification } from './notification.entity';
import { RefreshToken, SessionFamily } from './session.entity';

export { AuditEntry, Client, Contract, Employee, Event, Notification, RefreshToken, SessionFamily };
export const ENTITIES = [Employee, Client, Contract, Event, SessionFamily, RefreshToken, AuditEntry, Notification];
